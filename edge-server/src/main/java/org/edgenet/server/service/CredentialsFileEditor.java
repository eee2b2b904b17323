package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Sets one device's line in a credentials file, as {@code edge-passwd} does: the first line of
 * that name is replaced, later ones are dropped (the server would ignore them), a missing name is
 * appended, and every other line stays byte for byte. The new file is written beside the old one,
 * forced to disk and moved over it, so the server's watcher never reads half a file.
 */
public final class CredentialsFileEditor {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private CredentialsFileEditor() {
    }

    /** True when the name was already in the file (so its secret changed), false when it was added. */
    public static boolean set(Path file, DeviceName name, String secret) throws IOException {
        byte[] old;
        try {
            old = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            old = new byte[0];
        }
        List<String> result = new ArrayList<>();
        boolean found = edit(old, name, secret, result);
        write(file, String.join("", result).getBytes(StandardCharsets.ISO_8859_1));
        return found;
    }

    /**
     * The lines of {@code old} with the device's line set; works on ISO-8859-1 text, one char per
     * byte, so that lines this tool does not touch keep their bytes whatever their encoding.
     */
    static boolean edit(byte[] old, DeviceName name, String secret, List<String> out) {
        String text = new String(old, StandardCharsets.ISO_8859_1);
        String prefix = new String((name.value() + " ").getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String entry = new String((name.value() + " " + secret).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        String bom = "\u00EF\u00BB\u00BF";
        boolean found = false;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            String line = text.substring(start, end);
            String body = start == 0 && line.startsWith(bom) ? line.substring(bom.length()) : line;
            if (body.startsWith(prefix)) {
                if (!found) {
                    String ending = line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
                    out.add((body == line ? "" : bom) + entry + ending);
                    found = true;
                }
            } else {
                out.add(line);
            }
            start = end;
        }
        if (!found) {
            if (!out.isEmpty() && !out.get(out.size() - 1).endsWith("\n")) {
                out.add("\n");
            }
            out.add(entry + "\n");
        }
        return found;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            // The old file's permissions; a new file is for its owner only, since it holds secrets.
            Set<PosixFilePermission> permissions = Files.exists(target) ? Files.getPosixFilePermissions(target)
                    : OWNER_ONLY;
            Files.setPosixFilePermissions(temp, permissions);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
