package org.edgenet.server.cli;

import org.edgenet.common.cli.CommandLines;
import org.edgenet.common.cli.StartupException;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.message.BodyFields;
import org.edgenet.server.service.Argon2Hashes;
import org.edgenet.server.service.CredentialsFileEditor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code scripts/edge-passwd.sh FILE NAME}: adds device NAME to the credentials FILE, or changes
 * its password, storing an Argon2id hash. The password is read twice without echo from a
 * terminal, or once as a line from standard input otherwise (for scripts). A running server reads
 * the file again by itself.
 */
@Command(name = "edge-passwd.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Adds a device to a credentials file, or changes its password, as an Argon2id hash.")
public final class PasswdMain implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the credentials file; created if missing")
    private Path file;

    @Parameters(index = "1", paramLabel = "NAME", description = "the device name")
    private String name;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final Console console;
    private final InputStream stdin;

    public PasswdMain() {
        this(System.console(), System.in);
    }

    PasswdMain(Console console, InputStream stdin) {
        this.console = console;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new PasswdMain()).execute(args));
    }

    static CommandLine commandLine(PasswdMain main) {
        return CommandLines.create(main, "EdgeNet edge-passwd", e -> "edge-passwd failed: " + e);
    }

    @Override
    public Integer call() throws Exception {
        DeviceName device = deviceName();
        if (Files.isDirectory(file)) {
            throw new StartupException(file + " is a directory, not a credentials file");
        }
        String password = console != null ? fromTerminal() : fromInput();
        if (password.isEmpty()) {
            throw new StartupException("The password is empty; nothing changed");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > BodyFields.MAX_STRING_BYTES) {
            throw new StartupException("The password is longer than " + BodyFields.MAX_STRING_BYTES
                    + " bytes, more than a client can send; nothing changed");
        }
        boolean changed;
        try {
            changed = CredentialsFileEditor.set(file, device, Argon2Hashes.hash(password));
        } catch (IOException e) {
            throw new StartupException("Cannot write " + file + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println((changed ? "Changed the password of " : "Added ") + device + " in " + file);
        out.flush();
        return 0;
    }

    private DeviceName deviceName() throws StartupException {
        if (DeviceNames.bytes(name) > DeviceNames.MAX_BYTES) {
            throw new StartupException("The device name is longer than " + DeviceNames.MAX_BYTES + " bytes");
        }
        try {
            return DeviceName.of(name);
        } catch (InvalidValueException e) {
            throw new StartupException("Invalid device name: " + e.getMessage());
        }
    }

    private String fromTerminal() throws StartupException {
        char[] first = console.readPassword("Password for %s: ", name);
        char[] again = first == null ? null : console.readPassword("Again: ");
        if (first == null || again == null) {
            throw new StartupException("No password given; nothing changed");
        }
        try {
            if (!Arrays.equals(first, again)) {
                throw new StartupException("The passwords differ; nothing changed");
            }
            return new String(first);
        } finally {
            Arrays.fill(first, '\0');
            Arrays.fill(again, '\0');
        }
    }

    /** The first line of standard input, without its line end. */
    private String fromInput() throws StartupException, IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
            throw new StartupException("No password on standard input; nothing changed");
        }
        return line;
    }
}
