package org.edgenet.common.format;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a device name may be. Names become parts of file names on the server and on devices, so
 * they are limited to characters that are safe in a path component on every platform.
 */
public final class DeviceNames {
    public static final int MAX_BYTES = 255;

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._#@$*+=~-]+");

    private DeviceNames() {
    }

    public static boolean isValid(String name) {
        return name != null
                && !name.isEmpty()
                && name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES
                && SAFE.matcher(name).matches()
                && !name.equals(".")
                && !name.equals("..");
    }

    /** The data file of EDG and UED: {@code <device>-<fileID>.txt}. */
    public static String dataFileName(String device, long fileId) {
        return device + "-" + fileId + ".txt";
    }
}
