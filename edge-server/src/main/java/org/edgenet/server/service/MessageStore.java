package org.edgenet.server.service;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Messages left for a recipient, kept until the recipient has read them (MSG and RDM, and the
 * 0xAE73 port). Every recipient's messages come out first in first out; each has an id that grows
 * with every message stored, so a reader can tell a message it has already shown.
 *
 * <p>A stored message survives a crash once {@link #post} has completed. Messages are read through
 * a {@link Reader}: what one reader is handed is hidden from every other reader of the same
 * recipient until it removes it, once its client has confirmed that it has them, or closes, when
 * the next read by any reader shows it again in its place. So two readers of one mailbox (a device
 * and an 0xAE73 client reading as the same name, say) are never shown the same message, and a
 * reader cut off half way loses nothing. Requests fail with
 * {@link org.edgenet.common.wire.ProtocolException}s carrying the code a device is told
 * ({@code MAILBOX_FULL}, {@code OUT_OF_SPACE}). Thread-safe.
 */
public interface MessageStore extends AutoCloseable {
    /** Longest sender or recipient name, in UTF-8 bytes (a u8 in 0xAE73 records). */
    int MAX_NAME_BYTES = 255;
    /** Longest text, in UTF-8 bytes (a u16 in 0xAE73 records). */
    int MAX_TEXT_BYTES = 65_535;
    /** Most messages one read hands out (a u8 in 0xAE73 records). */
    int MAX_READ = 255;

    /**
     * Stores a message; completes with its id once it is on the disk. Names are 1 to
     * {@link #MAX_NAME_BYTES} bytes, the text 1 to {@link #MAX_TEXT_BYTES}; the caller checks them.
     */
    CompletableFuture<Long> post(String sender, String recipient, String text);

    /**
     * A reader of the messages of {@code recipient}, for one connection; the caller closes it when
     * the connection ends.
     */
    Reader reader(String recipient);

    /** How many messages wait for {@code recipient} now. */
    int waiting(String recipient);

    /** {@link #waiting}, for a caller on an event loop: a store in the cluster answers later. */
    default CompletableFuture<Integer> waitingLater(String recipient) {
        return CompletableFuture.completedFuture(waiting(recipient));
    }

    /**
     * Calls {@code onArrival} with the sender's name whenever a message for {@code recipient} has
     * been stored, on the store's thread; it must not block.
     */
    Subscription subscribe(String recipient, Consumer<String> onArrival);

    /** Writes what is queued, then closes the files. */
    @Override
    void close();

    /** One stored message as a reader sees it, stamped in the zone of the store's clock. */
    record Stored(long id, String sender, ZonedDateTime storedAt, String text) {
    }

    /**
     * The result of a read.
     *
     * @param messages the oldest messages, oldest first
     * @param waiting  how many the reader could be shown when they were taken, those included:
     *                 the messages handed to other readers do not count
     */
    record Batch(List<Stored> messages, int waiting) {
        public Batch {
            messages = List.copyOf(messages);
        }

        /** True when more messages wait than this batch holds. */
        public boolean more() {
            return waiting > messages.size();
        }

        /** The id of the newest message in the batch; -1 when it is empty. */
        public long lastId() {
            return messages.isEmpty() ? -1 : messages.get(messages.size() - 1).id();
        }
    }

    /** Reads the messages of one recipient; see the class comment. Thread-safe. */
    interface Reader {
        /**
         * The oldest messages that no other reader holds, at most {@code max} of them and, beyond
         * the first, at most about {@code maxBytes} of text; from now on they are this reader's. What
         * it holds already is among them again. A reader that is closed is handed nothing.
         */
        CompletableFuture<Batch> read(int max, int maxBytes);

        /**
         * Removes the messages this reader holds up to and including id {@code upToId}; completes,
         * once the removal is on the disk, with the number it could be shown now.
         */
        CompletableFuture<Integer> remove(long upToId);

        /** Gives back what it holds and has not removed; reads after this hand out nothing. */
        void close();
    }

    /** Ends a {@link #subscribe} registration. */
    interface Subscription {
        void cancel();
    }
}
