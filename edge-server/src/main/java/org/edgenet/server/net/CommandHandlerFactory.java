package org.edgenet.server.net;

import io.netty.channel.ChannelHandler;

/** Makes the handler that serves a joined device's commands. */
@FunctionalInterface
public interface CommandHandlerFactory {
    /**
     * {@code gate} is the connection's and {@code disconnector} the server's: the ones the auth
     * handler was given.
     */
    ChannelHandler forSession(Session session, ReadGate gate, Disconnector disconnector);
}
