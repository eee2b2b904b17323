package org.edgenet.server.net;

import org.edgenet.common.message.InvalidMessage;
import org.edgenet.common.message.Message;
import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

/**
 * A message where the conversation has no place for it, e.g. {@code LIST_ACTIVE before joining}:
 * a protocol violation, whether or not the message's values were valid.
 */
final class UnexpectedMessageException extends ProtocolException {
    /** @param where when it came, e.g. {@code "during an upload"} */
    UnexpectedMessageException(Object msg, String where) {
        super(ErrorCode.UNEXPECTED_MESSAGE, typeOf(msg) + " " + where);
    }

    private static String typeOf(Object msg) {
        if (msg instanceof InvalidMessage invalid) {
            return invalid.type().name();
        }
        return msg instanceof Message m ? m.type().name() : msg.getClass().getSimpleName();
    }
}
