package org.edgenet.client.p2p;

import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.p2p.UvfFormat;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** What file names UVF accepts, and the name a received file is stored under. */
final class FileNames {
    private FileNames() {
    }

    /**
     * {@code <presenter>_<fileName>}. Temp files ({@code .uvf-<digits>.part}) never contain an
     * underscore, so a stored name can never be mistaken for one.
     */
    static String storedName(String presenter, String fileName) {
        return presenter + "_" + fileName;
    }

    /**
     * Why {@code presenter} and {@code fileName} cannot make a stored file; empty when they can. The
     * file name must be a single path component: no separator, not {@code .} or {@code ..}, no
     * control characters, and short enough for the stored name to fit a file system.
     */
    static Optional<String> refusal(String presenter, String fileName) {
        return Optional.ofNullable(why(presenter, fileName));
    }

    private static String why(String presenter, String fileName) {
        if (!DeviceNames.isValid(presenter)) {
            return "the presenter name is not a valid device name";
        }
        if (fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")) {
            return "the file name is empty or a directory";
        }
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c == '/' || c == '\\') {
                return "the file name contains a path";
            }
            if (c < 0x20 || c == 0x7f) {
                return "the file name contains control characters";
            }
        }
        if (storedName(presenter, fileName).getBytes(StandardCharsets.UTF_8).length > UvfFormat.MAX_NAME_BYTES) {
            return "the file name is too long";
        }
        try {
            Path p = Path.of(fileName);
            if (p.getNameCount() != 1 || !p.getFileName().toString().equals(fileName)) {
                return "the file name contains a path";
            }
        } catch (InvalidPathException e) {
            return "the file name is not valid here";
        }
        return null;
    }

    /** {@code name} with control characters replaced, safe to print on a console. */
    static String printable(String name) {
        StringBuilder b = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
