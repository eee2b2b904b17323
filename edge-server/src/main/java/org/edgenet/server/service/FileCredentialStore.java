package org.edgenet.server.service;

import org.edgenet.common.cli.StartupException;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.format.InvalidValueException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Credentials read once at start from a file of {@code name password} lines in UTF-8 (a leading
 * byte-order mark is skipped; lines end with LF, CR LF or CR): one single space, no other white
 * space, case-sensitive. Bad lines, invalid UTF-8 included, are reported by number (never with
 * their password) and skipped, so one typo does not keep every other device out.
 */
public final class FileCredentialStore implements CredentialStore {
    private static final Logger log = LoggerFactory.getLogger(FileCredentialStore.class);

    /** The UTF-8 byte-order mark, EF BB BF. */
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Map<DeviceName, byte[]> passwords;

    private FileCredentialStore(Map<DeviceName, byte[]> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /** Reads {@code file}; a missing or unreadable file stops the start with a clear message. */
    public static FileCredentialStore load(Path file) throws StartupException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StartupException("Credentials file " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new StartupException("Credentials file " + file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new StartupException("Credentials file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<DeviceName, byte[]> passwords = new HashMap<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // Editors on Windows may start a UTF-8 file with a byte-order mark; it is not part of a name.
        int start = startsWith(bytes, BOM) ? BOM.length : 0;
        int lineNo = 0;
        while (start < bytes.length) {
            lineNo++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            ByteBuffer line = ByteBuffer.wrap(bytes, start, end - start);
            start = end + (end + 1 < bytes.length && bytes[end] == '\r' && bytes[end + 1] == '\n' ? 2 : 1);
            try {
                add(passwords, utf8.decode(line).toString(), file, lineNo);
            } catch (CharacterCodingException e) {
                log.warn("{} line {}: not valid UTF-8; skipped", file, lineNo);
            }
        }
        return new FileCredentialStore(passwords);
    }

    /** Adds the entry of one line, or says by number (never with its password) why it is skipped. */
    private static void add(Map<DeviceName, byte[]> passwords, String line, Path file, int lineNo) {
        if (line.isEmpty()) {
            // Blank lines, typically at the end of the file, are not worth a warning.
            return;
        }
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || hasWhitespace(line, space)) {
            log.warn("{} line {}: not of the form 'name password'; skipped", file, lineNo);
            return;
        }
        String text = line.substring(0, space);
        int nameBytes = DeviceNames.bytes(text);
        if (nameBytes > DeviceNames.MAX_BYTES) {
            log.warn("{} line {}: device name is {} bytes, longer than the {} the server can store; skipped",
                    file, lineNo, nameBytes, DeviceNames.MAX_BYTES);
            return;
        }
        DeviceName name;
        try {
            name = DeviceName.of(text);
        } catch (InvalidValueException e) {
            log.warn("{} line {}: device name is not valid; skipped", file, lineNo);
            return;
        }
        if (passwords.containsKey(name)) {
            log.warn("{} line {}: {} appears again; the first entry counts", file, lineNo, name);
            return;
        }
        passwords.put(name, line.substring(space + 1).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Any white space other than the one separator makes the line malformed. */
    private static boolean hasWhitespace(String line, int separator) {
        for (int i = 0; i < line.length(); i++) {
            if (i != separator && Character.isWhitespace(line.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean knows(DeviceName device) {
        return passwords.containsKey(device);
    }

    @Override
    public boolean matches(DeviceName device, String password) {
        byte[] expected = passwords.get(device);
        // Constant-time comparison: response time says nothing about how much of a guess was right.
        return expected != null && password != null
                && MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int size() {
        return passwords.size();
    }
}
