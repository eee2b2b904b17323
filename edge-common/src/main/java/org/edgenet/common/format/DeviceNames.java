package org.edgenet.common.format;

import java.nio.charset.StandardCharsets;

/**
 * What a device name may be. Names become parts of file names on the server and on devices, so
 * they are limited to characters that are safe in a path component on every platform, and to a
 * length that leaves room for the rest of the longest file name built from them. Text that passes
 * becomes a {@link DeviceName}.
 */
public final class DeviceNames {
    /**
     * The longest name, in bytes (names are ASCII, so also in characters). A path component holds
     * at most 255 bytes on common file systems; the longest one built from a name of n bytes is the
     * device's temp file for EDG, {@code .<name>-<fileID>.txt.<random>.tmp}: 1 + n + 1 + 19 (the
     * digits of the largest file ID) + 4 + 1 + 13 (a random long in base 36) + 4 = n + 43 bytes, so
     * n may be up to 212. The server's longest, the summary sidecar
     * {@code <name>-<fileID>.txt.stats}, is n + 30; its temp files ({@code .upload-<fileID>-<random>.tmp},
     * at most 52 bytes) do not contain the name. 200 leaves a margin for a longer suffix later.
     */
    public static final int MAX_BYTES = 200;

    /** The characters a name may hold besides ASCII letters and digits. */
    private static final String SAFE_MARKS = "._#@$*+=~-";

    private DeviceNames() {
    }

    public static boolean isValid(String name) {
        // A loop rather than a pattern: every frame naming a device is checked, tens of thousands a second.
        if (name == null || name.isEmpty() || name.length() > MAX_BYTES || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!safe(name.charAt(i))) {
                return false;
            }
        }
        // All ASCII, so as many bytes as characters.
        return true;
    }

    private static boolean safe(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || SAFE_MARKS.indexOf(c) >= 0;
    }

    /** The length of {@code name} in UTF-8, the measure of {@link #MAX_BYTES}. */
    public static int bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }
}
