package org.edgenet.client.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainArgumentsTest {
    @Test
    void threeArgumentsGiveTheSameSettingsAsPicocliDoes() throws Exception {
        String[] args = {"edge.example", "4000", "+5000"};
        ClientMain parsed = new ClientMain();
        ClientMain.commandLine(parsed).parseArgs(args);
        ClientMain plain = new ClientMain();

        assertTrue(PlainArguments.fill(args, plain), "three plain arguments are read without picocli");
        Map<String, Object> expected = settings(parsed, "");
        assertEquals(expected, settings(plain, ""), "every option, mixins included, at the same value");
        assertEquals(5000, expected.get("udpPortArgument"), "the comparison covers the arguments");
    }

    @Test
    void leavesOptionsOddValuesAndArgumentFilesToPicocli() {
        String[][] others = {
                {"127.0.0.1", "4000"},
                {"127.0.0.1", "4000", "8000", "--tls"},
                {"--host", "127.0.0.1", "4000"},
                {"127.0.0.1", "abc", "8000"},
                {"127.0.0.1", "4000", "70000"},
                {"127.0.0.1", "4000", "-1"},
                {"@args.txt", "4000", "8000"},
                {"", "4000", "8000"},
        };
        for (String[] args : others) {
            ClientMain main = new ClientMain();
            assertFalse(PlainArguments.fill(args, main), "for picocli: " + String.join(" ", args));
            assertNull(main.hostArgument, "nothing filled for " + String.join(" ", args));
            assertNull(main.portArgument, "nothing filled for " + String.join(" ", args));
        }
    }

    @Test
    void aFailedStartWithoutPicocliIsOneLineAndExitCodeOne() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        int code;
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ClientMain main = new ClientMain();
            assertTrue(PlainArguments.fill(new String[] {"127.0.0.1", "4000", "" + taken.getLocalPort()}, main),
                    "plain arguments");
            System.setErr(new PrintStream(err, true, Charset.defaultCharset()));
            code = main.callAlone();
            assertEquals("UDP port " + taken.getLocalPort() + " is already in use" + System.lineSeparator(),
                    err.toString(Charset.defaultCharset()), "the one line on standard error");
        } finally {
            System.setErr(before);
        }
        assertEquals(1, code, "exit code");
    }

    /** Every instance field of the command and of its mixins, by name; what picocli injects itself is left out. */
    private static Map<String, Object> settings(Object command, String prefix) throws IllegalAccessException {
        Map<String, Object> values = new TreeMap<>();
        for (Field f : command.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(CommandLine.Spec.class)
                    || f.getName().equals("stdin")) {
                continue;
            }
            f.setAccessible(true);
            Object value = f.get(command);
            if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
                values.putAll(settings(value, prefix + f.getName() + "."));
            } else {
                values.put(prefix + f.getName(), value);
            }
        }
        return values;
    }
}
