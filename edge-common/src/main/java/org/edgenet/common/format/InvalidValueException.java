package org.edgenet.common.format;

/**
 * Text or a number from outside (a frame, a typed command, a credentials file) that cannot become
 * the value it stands for, such as a {@link DeviceName} or a {@link FileId}. Thrown only where such
 * values are made; inner code takes the types and never meets it. The message is a sentence fit to
 * show the peer or the operator, and never contains the refused device name: a name that is not
 * valid may be a password typed in the wrong field.
 */
public final class InvalidValueException extends IllegalArgumentException {
    public InvalidValueException(String message) {
        super(message);
    }

    /**
     * None: a peer may send a bad value in every frame, and the message says all there is to know,
     * as with {@link org.edgenet.common.wire.ProtocolException}.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
