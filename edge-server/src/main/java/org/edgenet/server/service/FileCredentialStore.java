package org.edgenet.server.service;

import org.edgenet.common.cli.StartupException;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.format.StrictUtf8;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials read from a file of {@code name secret} lines in UTF-8 (a leading byte-order mark is
 * skipped; lines end with LF, CR LF or CR): one single space, no other white space,
 * case-sensitive. The secret is a plain password or an Argon2id hash in PHC form (see
 * {@link Secret}). At start, bad lines, invalid UTF-8 included, are reported by number (never with
 * their secret) and skipped, so one typo does not keep every other device out; a reload
 * ({@link #reload}) takes a file only when every line is good, since there is a table to keep.
 */
public final class FileCredentialStore implements CredentialStore {
    private static final Logger log = LoggerFactory.getLogger(FileCredentialStore.class);

    /** Far more than any fleet's file (a million devices take some 100 MiB hashed): bounds the read. */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    /** The UTF-8 byte-order mark, EF BB BF. */
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Map<DeviceName, Secret> secrets;
    /** Checked for a name that is not in the file, when the file holds hashes; null otherwise. */
    private final Secret.Hashed decoy;

    private FileCredentialStore(Map<DeviceName, Secret> secrets) {
        this.secrets = Map.copyOf(secrets);
        this.decoy = secrets.values().stream().filter(s -> s instanceof Secret.Hashed).map(s -> (Secret.Hashed) s)
                .findFirst().map(Secret::decoy).orElse(null);
    }

    /** One bad line: its number and why, never its secret. */
    record Problem(int line, String reason, boolean skipped) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    /** Reads {@code file}; a missing or unreadable file stops the start with a clear message. */
    public static FileCredentialStore load(Path file) throws StartupException {
        byte[] bytes;
        try {
            bytes = read(file);
        } catch (IOException e) {
            throw new StartupException("Credentials file " + file + unreadable(e), e);
        }
        Map<DeviceName, Secret> secrets = new HashMap<>();
        for (Problem p : parse(bytes, secrets)) {
            log.warn("{} {}{}", file, p, p.skipped() ? "; skipped" : "");
        }
        return new FileCredentialStore(secrets);
    }

    /**
     * Reads {@code file} again for a running server: the new table, or why the file cannot replace
     * the one in use (it cannot be read, a line is bad, or it names no device at all, as a file
     * caught half-written by an editor would).
     */
    public static FileCredentialStore reload(Path file) throws InvalidCredentialsException {
        byte[] bytes;
        try {
            bytes = read(file);
        } catch (IOException e) {
            throw new InvalidCredentialsException("the file" + unreadable(e));
        }
        Map<DeviceName, Secret> secrets = new HashMap<>();
        List<Problem> problems = parse(bytes, secrets);
        if (!problems.isEmpty()) {
            throw new InvalidCredentialsException(problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more bad lines)" : ""));
        }
        if (secrets.isEmpty()) {
            throw new InvalidCredentialsException("it names no device");
        }
        return new FileCredentialStore(secrets);
    }

    private static byte[] read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("it is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        return Files.readAllBytes(file);
    }

    private static String unreadable(IOException e) {
        if (e instanceof NoSuchFileException) {
            return " does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return " cannot be read: permission denied";
        }
        return " cannot be read: " + e.getMessage();
    }

    /** Fills {@code secrets} from the good lines and returns the bad ones. */
    private static List<Problem> parse(byte[] bytes, Map<DeviceName, Secret> secrets) {
        List<Problem> problems = new ArrayList<>();
        CharsetDecoder utf8 = StrictUtf8.decoder();
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
                add(secrets, utf8.decode(line).toString(), lineNo, problems);
            } catch (CharacterCodingException e) {
                problems.add(new Problem(lineNo, "not valid UTF-8", true));
            }
        }
        return problems;
    }

    /** Adds the entry of one line, or says by number (never with its password) why it is skipped. */
    private static void add(Map<DeviceName, Secret> secrets, String line, int lineNo, List<Problem> problems) {
        if (line.isEmpty()) {
            // Blank lines, typically at the end of the file, are not worth a warning.
            return;
        }
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || hasWhitespace(line, space)) {
            problems.add(new Problem(lineNo, "not of the form 'name password'", true));
            return;
        }
        String text = line.substring(0, space);
        int nameBytes = DeviceNames.bytes(text);
        if (nameBytes > DeviceNames.MAX_BYTES) {
            problems.add(new Problem(lineNo, "device name is " + nameBytes + " bytes, longer than the "
                    + DeviceNames.MAX_BYTES + " the server can store", true));
            return;
        }
        DeviceName name;
        try {
            name = DeviceName.of(text);
        } catch (InvalidValueException e) {
            problems.add(new Problem(lineNo, "device name is not valid", true));
            return;
        }
        if (secrets.containsKey(name)) {
            problems.add(new Problem(lineNo, name + " appears again; the first entry counts", false));
            return;
        }
        try {
            secrets.put(name, Secret.parse(line.substring(space + 1)));
        } catch (InvalidSecretException e) {
            problems.add(new Problem(lineNo, e.getMessage(), true));
        }
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
        return secrets.containsKey(device);
    }

    @Override
    public Optional<Secret> secret(DeviceName device) {
        return Optional.ofNullable(secrets.get(device));
    }

    @Override
    public Optional<Secret> decoy() {
        return Optional.ofNullable(decoy);
    }

    @Override
    public int size() {
        return secrets.size();
    }

    /** The devices of this table; for telling what a reload changed. */
    Map<DeviceName, Secret> entries() {
        return secrets;
    }
}
