package org.edgenet.server.net;

import io.netty.channel.ChannelHandler;

/** Makes the handler that serves a joined device's commands. */
@FunctionalInterface
public interface CommandHandlerFactory {
    ChannelHandler forSession(Session session);
}
