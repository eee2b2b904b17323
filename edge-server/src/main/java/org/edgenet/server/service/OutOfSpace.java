package org.edgenet.server.service;

import org.edgenet.common.wire.ErrorCode;
import org.edgenet.common.wire.ProtocolException;

import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * The one place that tells a full disk from other I/O failures. The JDK reports both ENOSPC and
 * EDQUOT as a plain {@link IOException} carrying the system's text, so the text is what there is
 * to go by.
 */
public final class OutOfSpace {
    /** What a device is told, and what the server's log line ends with. */
    public static final String MESSAGE = "the server is out of disk space";

    private static final String[] REASONS = {"No space left on device", "Disk quota exceeded"};

    private OutOfSpace() {
    }

    /** True when {@code failure}, or anything that caused it, is a full disk or an exhausted quota. */
    public static boolean causedBy(Throwable failure) {
        // Bounded: a chain of causes may loop.
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof IOException e && (names(e.getMessage())
                    || (e instanceof FileSystemException f && names(f.getReason())))) {
                return true;
            }
        }
        return false;
    }

    private static boolean names(String text) {
        if (text == null) {
            return false;
        }
        for (String reason : REASONS) {
            if (text.contains(reason)) {
                return true;
            }
        }
        return false;
    }

    /** The refusal a device gets; it does not end the session. */
    public static ProtocolException error() {
        return new ProtocolException(ErrorCode.OUT_OF_SPACE, MESSAGE);
    }
}
