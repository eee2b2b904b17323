package org.edgenet.client.console;

import java.io.BufferedReader;
import java.io.IOException;

/** Where the console's lines come from: a terminal or a script on standard input. */
public interface ConsoleInput {
    /** The next line without its line end, or null at the end of the input. */
    String readLine() throws IOException;

    /** A password: not echoed on a terminal, an ordinary line from a script. Null at the end. */
    String readPassword() throws IOException;

    /** True when a person types the lines and can answer a question; false for scripts. */
    default boolean interactive() {
        return false;
    }

    /** Lines from a reader, e.g. piped standard input or a test script. */
    static ConsoleInput of(BufferedReader reader) {
        return new ConsoleInput() {
            @Override
            public String readLine() throws IOException {
                return stripCarriageReturn(reader.readLine());
            }

            @Override
            public String readPassword() throws IOException {
                return readLine();
            }
        };
    }

    /** An interactive terminal: passwords are read without echo. */
    static ConsoleInput of(java.io.Console console) {
        return new ConsoleInput() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public String readLine() {
                return console.readLine();
            }

            @Override
            public String readPassword() {
                char[] password = console.readPassword();
                return password == null ? null : new String(password);
            }
        };
    }

    /** Scripts written on Windows end lines with CR LF. */
    private static String stripCarriageReturn(String line) {
        return line != null && line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
