package org.edgenet.client.console;

import org.edgenet.client.console.Dialog.ServerGone;
import org.edgenet.client.net.ServerLink;
import org.edgenet.client.trace.Tracer;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.ExposureNotice;
import org.edgenet.common.message.Notice;
import org.edgenet.common.trace.TempIdWindow;
import org.edgenet.common.trace.TraceTimes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The console's contact tracing: TID ({@code Download_tempID}), BCN deviceName
 * ({@code Beacon ip port}) and UCL ({@code Upload_contact_log}), and the exposure notice the server
 * pushes. The work is the {@link Tracer}'s; this class checks the arguments and prints.
 */
final class TraceCommands {
    private final DeviceName device;
    private final ServerLink server;
    private final Tracer tracer;
    private final Terminal terminal;
    private final Dialog dialog;
    private final CommandArguments arguments;

    TraceCommands(DeviceName device, ServerLink server, Tracer tracer, Terminal terminal, Dialog dialog) {
        this.device = device;
        this.server = server;
        this.tracer = tracer;
        this.terminal = terminal;
        this.dialog = dialog;
        this.arguments = new CommandArguments(terminal);
    }

    /** Prints an exposure notice above the prompt; other notices are not tracing's. */
    static void notice(Terminal terminal, Notice notice) {
        if (notice instanceof ExposureNotice exposure) {
            terminal.announce(exposure.text());
        }
    }

    /** {@code TID}, or {@code Download_tempID}. */
    void tempId(String[] words) throws ServerGone {
        if (words.length > 1) {
            terminal.say(words[0] + " takes no arguments");
            return;
        }
        TempIdWindow w = dialog.await(tracer.fetchTempId());
        terminal.say("TempID: " + w.id() + ", valid from " + TraceTimes.format(w.start())
                + " to " + TraceTimes.format(w.expiry()));
    }

    /** {@code BCN deviceName}: the device's address comes from the server's list of active devices. */
    void beaconDevice(String[] words) throws ServerGone {
        if (!arguments.exactly(words, 2, "BCN command requires deviceName as argument.", CommandHelp.BCN.usage())) {
            return;
        }
        DeviceName to = arguments.otherDevice(words[1], device, "beacons go to other devices");
        if (to == null) {
            return;
        }
        Optional<DeviceInfo> peer = dialog.await(server.listActive()).stream().filter(d -> d.name().equals(to))
                .findFirst();
        if (peer.isEmpty()) {
            terminal.say(to + " is offline");
            return;
        }
        DeviceInfo d = peer.get();
        send(new InetSocketAddress(d.ip(), d.udpPort()), to + " (" + d.ip() + ", UDP " + d.udpPort() + ")");
    }

    /** {@code Beacon ip port}: 002's form, to any address. */
    void beaconAddress(String[] words) throws ServerGone {
        if (!arguments.exactly(words, 3, "Beacon command requires ip and port as arguments.", CommandHelp.BEACON.usage())) {
            return;
        }
        Long port = CommandArguments.parseLong(words[2]);
        if (port == null || port < 1 || port > 65_535) {
            terminal.say("the port must be an integer between 1 and 65535");
            return;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(words[1]);
        } catch (UnknownHostException e) {
            terminal.say("Cannot resolve " + words[1]);
            return;
        }
        send(new InetSocketAddress(ip, port.intValue()), ip.getHostAddress() + ":" + port);
    }

    private void send(InetSocketAddress to, String shown) throws ServerGone {
        TempIdWindow w = dialog.await(tracer.beacon(to));
        terminal.say("Beacon sent to " + shown + ": " + TraceAnnouncer.describe(w));
    }

    /** {@code UCL}, or {@code Upload_contact_log}. */
    void upload(String[] words) throws ServerGone {
        if (words.length > 1) {
            terminal.say(words[0] + " takes no arguments");
            return;
        }
        int received = dialog.await(tracer.upload());
        terminal.say("Contact log uploaded: the server received " + received
                + (received == 1 ? " entry" : " entries"));
    }
}
