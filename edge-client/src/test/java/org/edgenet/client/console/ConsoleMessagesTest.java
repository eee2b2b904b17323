package org.edgenet.client.console;

import org.edgenet.client.net.ServerError;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageArrived;
import org.edgenet.common.message.MessagesWaiting;
import org.edgenet.common.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MSG, RDM and the message notices as a user sees them, against a scripted server. */
class ConsoleMessagesTest {
    private static final String PROMPT = Terminal.COMMAND_PROMPT;
    private static final String LOGIN = "supersmartwatch\ncomp9331\n";
    private static final String TIME = "30 September 2022 10:31:13";

    @TempDir
    Path dir;

    private final FakeServer server = new FakeServer();

    private String run(String script) {
        StringWriter out = new StringWriter();
        Console console = new Console(server, (audience, file, ticket) -> CompletableFuture.completedFuture(null), 8000, dir,
                ConsoleInput.of(new BufferedReader(new StringReader(script))),
                new Terminal(new PrintWriter(out)), Duration.ofSeconds(30), new Random(7));
        console.run();
        return out.toString();
    }

    /** The lines after the welcome, prompts left out, the goodbye included. */
    private List<String> answers(String commands) {
        String out = run(LOGIN + commands);
        String afterWelcome = out.substring(out.indexOf("Welcome to the edge network"));
        return afterWelcome.lines().skip(1).filter(l -> !l.equals(PROMPT)).toList();
    }

    private void assertAnswers(String commands, String... expected) {
        List<String> all = new ArrayList<>(List.of(expected));
        all.add("Bye, supersmartwatch!");
        assertEquals(all, answers(commands), "answers to " + commands.strip());
    }

    private void waiting(int count) {
        for (int i = 1; i <= count; i++) {
            server.mailbox.add(new MailItem(i, "superwristband", TIME, "message " + i));
        }
    }

    private static List<String> shown(int from, int to) {
        List<String> lines = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            lines.add("From superwristband at " + TIME + ": message " + i);
        }
        return lines;
    }

    @Test
    void storesTheRestOfTheLineAsTheMessageAndConfirms() {
        assertAnswers("MSG superwristband   see you  at 10 ☃  \n", "Message stored for superwristband");
        assertTrue(server.requests().contains("PostMessage superwristband see you  at 10 ☃"), server.requests().toString());
    }

    @Test
    void explainsEveryMsgArgumentErrorAndSendsNothing() {
        String tooLong = "é".repeat(40_000);
        assertAnswers("MSG\nMSG superwristband\nMSG superwristband   \nMSG ../etc hello\nMSG superwristband " + tooLong + "\n",
                "MSG command requires deviceName and a message as arguments.",
                "MSG command requires deviceName and a message as arguments.",
                "MSG command requires deviceName and a message as arguments.",
                "../etc is not a valid edge device name",
                "the message is too long: 80000 bytes of UTF-8, at most 65535");
        assertTrue(server.requests().stream().noneMatch(r -> r.startsWith("PostMessage")), server.requests().toString());
    }

    @Test
    void printsTheServersRefusal() {
        server.postRefusal = new ServerError(ErrorCode.MAILBOX_FULL, "the mailbox of superwristband is full");
        assertAnswers("MSG superwristband hi\n", "the mailbox of superwristband is full");
    }

    @Test
    void saysWhenNoMessageWaits() {
        assertAnswers("RDM\nRDM now\n", "No messages waiting", "RDM takes no arguments");
    }

    @Test
    void printsEachMessageWithSenderAndTimeThenAcknowledgesWhatItPrinted() {
        waiting(3);
        assertAnswers("RDM\nRDM\n", "From superwristband at " + TIME + ": message 1",
                "From superwristband at " + TIME + ": message 2",
                "From superwristband at " + TIME + ": message 3",
                "No messages waiting");
        assertEquals(List.of("ReadMessages 255", "AckMessages 3", "ReadMessages 255"),
                server.requests().subList(2, 5), "acknowledged after printing");
    }

    @Test
    void showsSixHundredMessagesAs255Then255Then90() {
        waiting(600);
        List<String> expected = new ArrayList<>(shown(1, 255));
        expected.add("600 messages waiting; showing the oldest 255. Run RDM again for the rest.");
        expected.addAll(shown(256, 510));
        expected.add("345 messages waiting; showing the oldest 255. Run RDM again for the rest.");
        expected.addAll(shown(511, 600));
        expected.add("No messages waiting");

        assertAnswers("RDM\nRDM\nRDM\nRDM\n", expected.toArray(String[]::new));
    }

    @Test
    void fetchesSmallerBatchesUntil255AreShown() {
        waiting(300);
        server.batchLimit = 100;
        List<String> expected = new ArrayList<>(shown(1, 255));
        expected.add("300 messages waiting; showing the oldest 255. Run RDM again for the rest.");

        assertAnswers("RDM\n", expected.toArray(String[]::new));
        assertEquals(List.of("ReadMessages 255", "AckMessages 100", "ReadMessages 155", "AckMessages 200",
                "ReadMessages 55", "AckMessages 255"), server.requests().subList(2, 8));
    }

    @Test
    void neverPrintsTheSameMessageTwice() {
        waiting(2);
        server.acksToRefuse = 1;
        List<String> expected = new ArrayList<>(shown(1, 2));
        expected.add("the server failed");
        expected.add("No messages waiting");
        assertAnswers("RDM\nRDM\n", expected.toArray(String[]::new));
        assertEquals(List.of("ReadMessages 255", "AckMessages 2", "ReadMessages 255", "AckMessages 2"),
                server.requests().subList(2, 6), "shown again, acknowledged, not printed");
    }

    @Test
    void printsAnOlderMessageThatAnotherReaderGaveBack() {
        server.mailbox.add(new MailItem(7, "superwristband", TIME, "message 7"));
        server.batchLimit = 1;
        List<String> expected = new ArrayList<>(shown(7, 7));
        // Another reader of this name had message 3 and went away without taking it.
        server.onAck = () -> {
            server.mailbox.add(0, new MailItem(3, "superwristband", TIME, "message 3"));
            server.onAck = () -> {
            };
        };
        expected.addAll(shown(3, 3));
        expected.add("No messages waiting");
        assertAnswers("RDM\nRDM\n", expected.toArray(String[]::new));
    }

    @Test
    void tellsOnJoiningHowManyMessagesWaitAndAnnouncesNewOnes() {
        server.joinNotices.add(new MessagesWaiting(3));
        server.joinNotices.add(new MessageArrived("superwristband"));

        String out = run(LOGIN + "OUT\n");

        assertTrue(out.contains("3 messages waiting; RDM to read them\n"), out);
        assertTrue(out.contains("New message from superwristband; RDM to read it\n"), out);
    }

    @Test
    void countsOneWaitingMessageInTheSingular() {
        StringWriter out = new StringWriter();
        new MailCommands(server, new Terminal(new PrintWriter(out)), null).notice(new MessagesWaiting(1));
        assertEquals("1 message waiting; RDM to read it" + System.lineSeparator(), out.toString());
    }

    @Test
    void printsANoticeThatArrivesAtThePromptAboveANewPrompt() {
        StringWriter out = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out));
        terminal.commandPrompt();
        new MailCommands(server, terminal, null).notice(new MessageArrived("superwristband"));
        assertEquals(List.of(PROMPT, "New message from superwristband; RDM to read it", PROMPT),
                out.toString().lines().toList());
    }

    @Test
    void showsControlCharactersOfAnotherDeviceHarmlessly() {
        server.mailbox.add(new MailItem(1, "evil\u001b[2J", TIME, "a\rb\u202Ec\td"));
        assertAnswers("RDM\n", "From evil\uFFFD[2J at " + TIME + ": a\uFFFDb\uFFFDc d");
    }
}
