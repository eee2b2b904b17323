package org.edgenet.server.service;

import org.edgenet.common.format.DeviceNames;
import org.edgenet.server.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Credentials read once at start from a file of {@code name password} lines: one single space, no
 * other white space, case-sensitive. Bad lines are reported by number (never with their password)
 * and skipped, so one typo does not keep every other device out.
 */
public final class FileCredentialStore implements CredentialStore {
    private static final Logger log = LoggerFactory.getLogger(FileCredentialStore.class);

    private final Map<String, byte[]> passwords;

    private FileCredentialStore(Map<String, byte[]> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /** Reads {@code file}; a missing or unreadable file stops the start with a clear message. */
    public static FileCredentialStore load(Path file) throws StartupException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new StartupException("Credentials file " + file + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new StartupException("Credentials file " + file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new StartupException("Credentials file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, byte[]> passwords = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripCarriageReturn(lines.get(i));
            int lineNo = i + 1;
            if (line.isEmpty()) {
                // Blank lines, typically at the end of the file, are not worth a warning.
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || hasWhitespace(line, space)) {
                log.warn("{} line {}: not of the form 'name password'; skipped", file, lineNo);
                continue;
            }
            String name = line.substring(0, space);
            if (!DeviceNames.isValid(name)) {
                log.warn("{} line {}: device name is not valid; skipped", file, lineNo);
                continue;
            }
            if (passwords.containsKey(name)) {
                log.warn("{} line {}: {} appears again; the first entry counts", file, lineNo, name);
                continue;
            }
            passwords.put(name, line.substring(space + 1).getBytes(StandardCharsets.UTF_8));
        }
        return new FileCredentialStore(passwords);
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

    private static String stripCarriageReturn(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    @Override
    public boolean knows(String device) {
        return device != null && passwords.containsKey(device);
    }

    @Override
    public boolean matches(String device, String password) {
        byte[] expected = device == null ? null : passwords.get(device);
        // Constant-time comparison: response time says nothing about how much of a guess was right.
        return expected != null && password != null
                && MessageDigest.isEqual(expected, password.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int size() {
        return passwords.size();
    }
}
