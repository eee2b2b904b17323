package org.edgenet.common.format;

/**
 * The number of one of a device's data files: any {@code long} from 0 up. Checked once, where a
 * number from outside becomes a file ID (the message codec, the console), and carried as this type
 * from there on.
 *
 * @param value the number, never negative
 */
public record FileId(long value) {
    /** @throws InvalidValueException when {@code value} is negative */
    public FileId {
        if (value < 0) {
            throw new InvalidValueException("file ID must not be negative: " + value);
        }
    }

    /** @throws InvalidValueException when {@code value} is negative */
    public static FileId of(long value) {
        return new FileId(value);
    }

    /** The number itself, as file names and logs show it. */
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
