package org.edgenet.client.p2p;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The file a presenter sends, opened for reading.
 *
 * @param name the name the audience is offered: the file's own, without a directory
 */
record OutgoingFile(FileChannel channel, long size, String name) {
    /** Closes the file; a file only read from loses nothing if that fails. */
    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Only read from: nothing to lose.
        }
    }
}
