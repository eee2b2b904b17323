package org.edgenet.common.format;

/**
 * A device name that {@link DeviceNames#isValid} accepts: checked once, where text from outside
 * becomes a name (the message codec, the console, the credentials file), and carried as this type
 * from there on, so the code behind never checks again. Being valid makes it a single, safe path
 * component, short enough for every file name built from it.
 *
 * @param value the name itself, as the device typed it
 */
public record DeviceName(String value) {
    /** What an invalid name is told; never the name itself, which may be a misplaced password. */
    static final String INVALID = "not a valid device name";

    /** @throws InvalidValueException when {@code value} is not a valid device name */
    public DeviceName {
        if (!DeviceNames.isValid(value)) {
            throw new InvalidValueException(INVALID);
        }
    }

    /** @throws InvalidValueException when {@code text} is not a valid device name */
    public static DeviceName of(String text) {
        return new DeviceName(text);
    }

    /** The data file of EDG and UED: {@code <device>-<fileID>.txt}. */
    public String dataFileName(FileId fileId) {
        return value + "-" + fileId + ".txt";
    }

    /** The name itself, so that it reads as before in logs and messages. */
    @Override
    public String toString() {
        return value;
    }
}
