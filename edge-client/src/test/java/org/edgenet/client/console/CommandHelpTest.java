package org.edgenet.client.console;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The texts of {@code help} and {@code help COMMAND}, and the usage they share with the argument checks. */
class CommandHelpTest {

    @Test
    void helpListsEveryCommandWithItsUsageOnALineOfItsOwn() {
        List<String> lines = CommandHelp.answer(new String[] {"help"});
        assertEquals(CommandHelp.values().length + 2, lines.size(), "a heading, one line per command, a footer");
        for (CommandHelp c : CommandHelp.values()) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("  " + c.usage() + " ")),
                    c.usage() + " has its line in " + lines);
        }
        assertEquals("help COMMAND says more about one command.", lines.get(lines.size() - 1), "the footer");
    }

    @Test
    void helpForOneCommandGivesItsUsageAndWhatItDoes() {
        assertEquals(List.of("Usage: UVF deviceName filename",
                        "Sends filename, a plain file name in the client directory, straight to the active device"
                                + " deviceName over UDP. The transfer runs in the background; the console says when it is"
                                + " done. The receiver stores it as <sender>_<filename>."),
                CommandHelp.answer(new String[] {"help", "UVF"}), "help UVF");
    }

    @Test
    void helpFindsLongNamesAndAnyCase() {
        assertEquals("Usage: TID (or Download_tempID)", CommandHelp.answer(new String[] {"help", "download_tempid"}).get(0),
                "the long name of 002, typed in lower case");
        assertEquals("Usage: UCL (or Upload_contact_log)", CommandHelp.answer(new String[] {"help", "ucl"}).get(0),
                "a short name in lower case");
        assertEquals("Usage: Beacon ip port", CommandHelp.answer(new String[] {"help", "Beacon"}).get(0),
                "Beacon takes other arguments than BCN, so it has its own entry");
    }

    @Test
    void helpForAnUnknownCommandSaysSoAndNamesTheCommands() {
        assertEquals(List.of("There is no command 'FOO'. Use one of " + Console.COMMANDS + " (help lists them all)"),
                CommandHelp.answer(new String[] {"help", "FOO"}), "help FOO");
        assertEquals(List.of("There is no command '\uFFFD[2J'. Use one of " + Console.COMMANDS + " (help lists them all)"),
                CommandHelp.answer(new String[] {"help", "\u001b[2J"}), "an escape sequence is not echoed to the terminal");
        assertEquals(List.of("too many arguments, the usage is: help [command]"),
                CommandHelp.answer(new String[] {"help", "UED", "UVF"}), "help with two words");
    }

    @Test
    void theArgumentChecksQuoteTheUsageThatHelpShows() {
        StringWriter out = new StringWriter();
        CommandArguments arguments = new CommandArguments(new Terminal(new PrintWriter(out)));
        arguments.exactly(new String[] {"UED", "1", "2"}, 2, "missing", CommandHelp.UED.usage());
        assertEquals("too many arguments, the usage is: UED fileID" + System.lineSeparator(), out.toString(),
                "the same text as before the usage moved into CommandHelp");
        assertTrue(CommandHelp.answer(new String[] {"help", "UED"}).contains("Usage: UED fileID"), "help UED");
    }

    @Test
    void everyCommandTheConsoleRunsHasHelp() {
        for (String name : Console.COMMANDS.split(", ")) {
            assertTrue(CommandHelp.find(name).isPresent(), name + " has help");
        }
        for (String name : List.of("Download_tempID", "Beacon", "Upload_contact_log", "help")) {
            assertTrue(CommandHelp.names().contains(name), name + " completes");
        }
    }
}
