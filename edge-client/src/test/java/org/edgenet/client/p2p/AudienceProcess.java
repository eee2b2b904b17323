package org.edgenet.client.p2p;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.Ticket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * An audience in a JVM of its own, for the test that kills it (not a test): binds to a port the OS
 * chooses in the directory given, admits the ticket given as {@code <id hex> <presenter> <key hex>},
 * prints {@code port <n>}, then waits until it is killed or its input ends.
 */
public final class AudienceProcess {
    private AudienceProcess() {
    }

    public static void main(String[] args) throws Exception {
        Ticket ticket = new Ticket(Long.parseUnsignedLong(args[1], 16), DeviceName.of(args[2]),
                DeviceName.of("audience"),
                HexFormat.of().parseHex(args[3]), Duration.ofMinutes(1));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        PeerNode node = PeerNode.bind(group, 0, Path.of(args[0]), (f, p, s) -> { },
                PeerOptions.DEFAULTS.withIdleTimeout(Duration.ofMinutes(1)));
        node.admit(ticket);
        System.out.println("port " + node.udpPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Only the end of the input, or a kill, ends this process.
        }
        node.close();
        group.shutdownGracefully();
    }
}
