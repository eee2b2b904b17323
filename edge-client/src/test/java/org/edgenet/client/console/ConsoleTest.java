package org.edgenet.client.console;

import org.edgenet.client.net.ServerError;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.DeviceNames;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Ticket;
import org.edgenet.common.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console driven by a script, against a scripted server: every text a user can see. */
class ConsoleTest {
    private static final String PROMPT = Terminal.COMMAND_PROMPT;
    private static final String LOGIN = "supersmartwatch\ncomp9331\n";
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static final Ticket TICKET = new Ticket(1, DeviceName.of("supersmartwatch"),
            DeviceName.of("uav-camera"), new byte[Ticket.KEY_LENGTH], Duration.ofSeconds(30));

    private final FakeServer server = new FakeServer();
    private final List<String> transfers = new ArrayList<>();
    private PeerSender peers = (address, file, ticket) -> {
        transfers.add(address + " " + file.getFileName() + " " + ticket.presenter() + " " + ticket.audience());
        return CompletableFuture.completedFuture(null);
    };
    private int exitCode;

    /** Runs the console over {@code script} and returns everything it printed. */
    private String run(String script) {
        StringWriter out = new StringWriter();
        Console console = new Console(server, peers, 8000, dir,
                ConsoleInput.of(new BufferedReader(new StringReader(script))),
                new Terminal(new PrintWriter(out)), REPLY_TIMEOUT, new Random(7));
        exitCode = console.run();
        return out.toString();
    }

    /** The lines printed in answer to commands, after the welcome, without prompts. */
    private String[] answers(String commands) {
        String out = run(LOGIN + commands);
        String afterWelcome = out.substring(out.indexOf("Welcome to the edge network"));
        return afterWelcome.lines().skip(1).filter(l -> !l.equals(PROMPT)).toArray(String[]::new);
    }

    private void assertAnswers(String commands, String... expected) {
        List<String> all = new ArrayList<>(List.of(expected));
        all.add("Bye, supersmartwatch!");
        assertEquals(all, List.of(answers(commands)), "answers to " + commands.strip());
    }

    @Test
    void welcomesTheDeviceRegistersItsUdpPortAndPrompts() {
        String out = run(LOGIN + "OUT\n");

        assertEquals("Username: Password: Welcome to the edge network, supersmartwatch!\n"
                + PROMPT + "\nBye, supersmartwatch!\n", out, "the whole session");
        assertEquals(List.of("Login supersmartwatch", "RegisterUdp 8000", "Leave"), server.requests(), "requests");
        assertEquals(0, exitCode, "OUT exits 0");
    }

    @Test
    void asksForThePasswordAgainAfterAWrongOne() {
        server.loginReplies.add(LoginStatus.INVALID_PASSWORD);

        String out = run("supersmartwatch\nwrong\ncomp9331\nOUT\n");

        assertTrue(out.startsWith("Username: Password: Invalid Password. Please try again\n"
                + "Password: Welcome to the edge network, supersmartwatch!\n"), out);
        assertEquals(List.of("Login supersmartwatch", "Login supersmartwatch", "RegisterUdp 8000", "Leave"),
                server.requests(), "same name twice");
    }

    @Test
    void asksForBothAgainAfterAnUnknownName() {
        server.loginReplies.add(LoginStatus.UNKNOWN_DEVICE);

        String out = run("nobody\npw\nsupersmartwatch\ncomp9331\nOUT\n");

        assertTrue(out.startsWith("Username: Password: Unknown edge device name. Please try again\n"
                + "Username: Password: Welcome to the edge network, supersmartwatch!\n"), out);
    }

    @Test
    void aNameThatCannotBeADeviceIsUnknownWithoutAskingTheServer() {
        String out = run("no/such\npw\n" + "d".repeat(DeviceNames.MAX_BYTES + 1) + "\npw\n" + LOGIN + "OUT\n");

        assertTrue(out.startsWith("Username: Password: Unknown edge device name. Please try again\n"
                + "Username: Password: Unknown edge device name. Please try again\n"
                + "Username: Password: Welcome to the edge network, supersmartwatch!\n"), out);
        assertEquals(List.of("Login supersmartwatch", "RegisterUdp 8000", "Leave"), server.requests(),
                "only the valid name is sent");
    }

    @Test
    void refusesADeviceThatHasAlreadyJoinedAndAsksForBothAgain() {
        server.loginReplies.add(LoginStatus.ALREADY_JOINED);

        String out = run(LOGIN + "uav-camera\nFly#High22\nOUT\n");

        assertTrue(out.startsWith("Username: Password: supersmartwatch has already joined the edge network. "
                + "Please try again\nUsername: Password: Welcome to the edge network, uav-camera!\n"), out);
    }

    @Test
    void exitsWithTheServersReasonWhenItCannotRecordTheJoin() {
        server.joinRefusal = new ServerError(ErrorCode.OUT_OF_SPACE, "the server is out of disk space");

        String out = run(LOGIN + "AED\nOUT\n");

        assertEquals("Username: Password: Welcome to the edge network, supersmartwatch!\n"
                + "the server is out of disk space\n", out, "no prompt: the device has not joined");
        assertEquals(List.of("Login supersmartwatch", "RegisterUdp 8000"), server.requests(), "nothing sent after");
        assertEquals(1, exitCode, "non-zero exit");
    }

    @Test
    void exitsWithAnErrorWhenTheAccountBecomesBlocked() {
        server.loginReplies.add(LoginStatus.BLOCKED_NOW);

        String out = run("supersmartwatch\nwrong\ncomp9331\n");

        assertEquals("Username: Password: Invalid Password. Your account has been blocked. Please try again later\n",
                out, "nothing after the block");
        assertEquals(1, exitCode, "non-zero exit");
    }

    @Test
    void exitsWithAnErrorWhileTheAccountIsBlocked() {
        server.loginReplies.add(LoginStatus.BLOCKED);

        String out = run(LOGIN);

        assertEquals("Username: Password: Your account is blocked due to multiple authentication failures. "
                + "Please try again later\n", out, "the blocked text");
        assertEquals(1, exitCode, "non-zero exit");
    }

    @Test
    void exitsWithAnErrorWhenTheInputEndsBeforeJoining() {
        String out = run("supersmartwatch\n");

        assertEquals("Username: Password: ", out, "no welcome");
        assertEquals(1, exitCode, "not joined: non-zero exit");
        assertEquals(List.of(), server.requests(), "no login without a password");
    }

    @Test
    void leavesAtTheEndOfTheInputAsIfOutWasTyped() {
        String[] answers = answers("");

        assertEquals(List.of("Bye, supersmartwatch!"), List.of(answers), "goodbye at EOF");
        assertEquals(0, exitCode, "clean exit");
        assertTrue(server.requests().contains("Leave"), "the server is told");
    }

    @Test
    void rejectsUnknownAndLowerCaseCommands() {
        assertAnswers("aed\nFOO 1\nOUT 1\nAED 1\n\n",
                "Error: unknown command 'aed'. Commands are upper case, e.g. AED",
                "Error: unknown command 'FOO'. Use one of EDG, UED, SCS, DTE, AED, UVF, MSG, RDM, DLD, TID, BCN, UCL, OUT "
                        + "(commands are upper case, e.g. AED)",
                "OUT takes no arguments",
                "AED takes no arguments");
        assertEquals(List.of("Login supersmartwatch", "RegisterUdp 8000", "Leave"), server.requests(),
                "nothing sent for bad commands");
    }

    @Test
    void explainsEveryEdgArgumentError() {
        assertAnswers("EDG\nEDG 1\nEDG a 10\nEDG 1 ten\nEDG 1.5 2\nEDG -1 10\nEDG 1 -10\nEDG 1 2 3\n",
                "EDG command requires fileID and dataAmount as arguments.",
                "EDG command requires fileID and dataAmount as arguments.",
                "the fileID or dataAmount are not integers, you need to specify the parameter as integers",
                "the fileID or dataAmount are not integers, you need to specify the parameter as integers",
                "the fileID or dataAmount are not integers, you need to specify the parameter as integers",
                "the fileID and dataAmount must not be negative",
                "the fileID and dataAmount must not be negative",
                "too many arguments, the usage is: EDG fileID dataAmount");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no file written for a bad EDG");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void generatesExactlyTheRequestedNumberOfIntegerLines() throws IOException {
        assertAnswers("EDG 1 25\n", "data generation done: 25 data samples written to supersmartwatch-1.txt");

        List<String> lines = Files.readAllLines(dir.resolve("supersmartwatch-1.txt"));
        assertEquals(25, lines.size(), "one line per sample");
        for (String line : lines) {
            assertTrue(line.matches("\\d+"), "an integer per line: " + line);
        }
    }

    @Test
    void theLongestNameAndTheLargestFileIdMakeAFileTheDeviceCanWrite() throws IOException {
        String longest = "d".repeat(DeviceNames.MAX_BYTES);
        String file = longest + "-" + Long.MAX_VALUE + ".txt";

        String out = run(longest + "\npw\nEDG " + Long.MAX_VALUE + " 3\nOUT\n");

        assertTrue(out.contains("data generation done: 3 data samples written to " + file + "\n"), out);
        assertEquals(3, Files.readAllLines(dir.resolve(file)).size(), "written through its temp file");
    }

    @Test
    void replacesAnEarlierFileOfTheSameId() throws IOException {
        Files.writeString(dir.resolve("supersmartwatch-2.txt"), "old\n".repeat(100));

        assertAnswers("EDG 2 3\n", "data generation done: 3 data samples written to supersmartwatch-2.txt");

        List<String> lines = Files.readAllLines(dir.resolve("supersmartwatch-2.txt"));
        assertEquals(3, lines.size(), "the old lines are gone");
        assertFalse(lines.contains("old"), "no old content");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void generatesAnEmptyFileForZeroSamples() throws IOException {
        assertAnswers("EDG 3 0\n", "data generation done: 0 data samples written to supersmartwatch-3.txt");
        assertEquals(0, Files.size(dir.resolve("supersmartwatch-3.txt")), "empty file");
    }

    @Test
    void explainsEveryUedArgumentError() {
        assertAnswers("UED\nUED x\nUED -1\nUED 9\nUED 1 2\n",
                "fileID is needed to upload the data",
                "fileID is missing or fileID should be an integer",
                "the fileID must not be negative",
                "the file to be uploaded does not exist",
                "too many arguments, the usage is: UED fileID");
        assertFalse(server.requests().stream().anyMatch(r -> r.startsWith("Upload")), "nothing uploaded");
    }

    @Test
    void uploadsAGeneratedFileAndReportsTheSamples() throws IOException {
        assertAnswers("EDG 4 10\nUED 4\n",
                "data generation done: 10 data samples written to supersmartwatch-4.txt",
                "Data file with ID of 4 has been uploaded to the server (10 samples)");

        assertEquals(List.of(Files.readAllBytes(dir.resolve("supersmartwatch-4.txt")).length),
                List.of(server.stored.get(4L).length), "the server got the file");
    }

    @Test
    void reportsTheServersReasonWhenItRefusesAnUpload() throws IOException {
        Files.writeString(dir.resolve("supersmartwatch-5.txt"), "1\nx\n");
        server.uploadRefusal = new ServerError(ErrorCode.INVALID_DATA, "line 2: 'x' is not an integer");

        assertAnswers("UED 5\n", "the server refused the upload: line 2: 'x' is not an integer");
    }

    @Test
    void explainsEveryScsArgumentErrorAndShowsResults() {
        server.results.put(1L, "100");
        server.results.put(2L, "");

        assertAnswers("SCS\nSCS one SUM\nSCS 1\nSCS 1 sum\nSCS 1 MEDIAN\nSCS 1 SUM x\nSCS 1 SUM\nSCS 7 MAX\nSCS 2 MIN\n",
                "fileID is missing or fileID should be an integer",
                "fileID is missing or fileID should be an integer",
                "the computation operation should be one of SUM, AVERAGE, MAX, MIN",
                "the computation operation should be one of SUM, AVERAGE, MAX, MIN",
                "the computation operation should be one of SUM, AVERAGE, MAX, MIN",
                "too many arguments, the usage is: SCS fileID computationOperation",
                "Computation (SUM) result on the file (ID:1) returned from the server is: 100",
                "the file does not exist at the server side",
                "the file (ID:2) is empty");
        assertEquals(3, server.requests().stream().filter(r -> r.startsWith("Compute")).count(),
                "only valid requests reach the server");
    }

    @Test
    void explainsEveryDteArgumentErrorAndDeletes() {
        server.stored.put(6L, new byte[] {'1', '\n'});

        assertAnswers("DTE\nDTE six\nDTE 6 7\nDTE 6\nDTE 6\n",
                "fileID is missing or fileID should be an integer",
                "fileID is missing or fileID should be an integer",
                "too many arguments, the usage is: DTE fileID",
                "file with ID of 6 has been successfully removed from the central server",
                "the file does not exist at the server side");
    }

    @Test
    void saysThereAreNoOtherActiveDevicesWhenAlone() {
        assertAnswers("AED\n", "no other active edge devices");
    }

    @Test
    void listsTheOtherActiveDevicesOnePerLine() {
        server.active = List.of(
                new DeviceInfo(DeviceName.of("uav-camera"), "10.0.0.5", 9000, "30 September 2022 10:31:13"),
                new DeviceInfo(DeviceName.of("superwristband"), "127.0.0.1", 8001, "1 October 2022 08:00:00"));
        assertAnswers("AED\n",
                "uav-camera, 10.0.0.5, 9000, active since 30 September 2022 10:31:13.",
                "superwristband, 127.0.0.1, 8001, active since 1 October 2022 08:00:00.");
    }

    @Test
    void explainsEveryUvfArgumentError() throws IOException {
        Files.writeString(dir.resolve("clip.mp4"), "video");

        assertAnswers("UVF\nUVF uav-camera\nUVF uav-camera ../clip.mp4\nUVF uav-camera sub/clip.mp4\n"
                        + "UVF uav-camera a\\b\nUVF uav-camera none.mp4\nUVF uav-camera clip.mp4 x\nUVF uav-camera clip.mp4\n",
                "UVF command requires deviceName and filename as arguments.",
                "UVF command requires deviceName and filename as arguments.",
                "the filename must be a plain file name in the client directory",
                "the filename must be a plain file name in the client directory",
                "the filename must be a plain file name in the client directory",
                "the file to be uploaded does not exist",
                "too many arguments, the usage is: UVF deviceName filename",
                "uav-camera is offline");
        assertEquals(List.of(), transfers, "no transfer started");
    }

    @Test
    void aUvfToANameThatCannotBeADeviceAsksTheServerNothing() throws IOException {
        Files.writeString(dir.resolve("clip.mp4"), "video");

        assertAnswers("UVF .. clip.mp4\nUVF caf\u00e9 clip.mp4\n",
                ".. is not a valid edge device name",
                "caf\u00e9 is not a valid edge device name");
        assertEquals(List.of("Login supersmartwatch", "RegisterUdp 8000", "Leave"), server.requests(),
                "no lookup sent");
    }

    @Test
    void startsAUvfTransferInTheBackgroundAndReportsItsEnd() throws IOException {
        Files.writeString(dir.resolve("clip.mp4"), "video");
        server.peers.put("uav-camera", new Peer(DeviceName.of("uav-camera"), "127.0.0.1", 9000, TICKET));

        assertAnswers("UVF uav-camera clip.mp4\n",
                "Uploading clip.mp4 to uav-camera in the background",
                "clip.mp4 has been uploaded");
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 9000) + " clip.mp4 supersmartwatch uav-camera"),
                transfers,
                "sent to the registered address under the server's ticket");
    }

    @Test
    void refusesAUvfToThisDeviceItselfWithoutAskingTheServer() throws IOException {
        Files.writeString(dir.resolve("clip.mp4"), "video");

        assertAnswers("UVF supersmartwatch clip.mp4\n",
                "supersmartwatch is this device: UVF sends files to other devices");
        assertEquals(List.of(), transfers, "no transfer started");
        assertTrue(server.requests.stream().noneMatch(r -> r.startsWith("LookupPeer")), "the server was not asked");
    }

    @Test
    void reportsAFailedUvfTransferWithItsReason() throws IOException {
        Files.writeString(dir.resolve("clip.mp4"), "video");
        server.peers.put("uav-camera", new Peer(DeviceName.of("uav-camera"), "127.0.0.1", 9000, TICKET));
        peers = (address, file, ticket) -> CompletableFuture.failedFuture(
                new IOException("uav-camera did not answer"));

        assertAnswers("UVF uav-camera clip.mp4\n",
                "Uploading clip.mp4 to uav-camera in the background",
                "clip.mp4 could not be uploaded to uav-camera: uav-camera did not answer");
    }

    @Test
    void saysTheServerClosedTheConnectionWhenItGoesAwayAtThePrompt() throws Exception {
        CountDownLatch atCommandPrompt = new CountDownLatch(1);
        CompletableFuture<String> never = new CompletableFuture<>();
        ConsoleInput input = new ConsoleInput() {
            private final List<String> lines = new ArrayList<>(List.of("supersmartwatch", "comp9331"));

            @Override
            public String readLine() {
                if (lines.isEmpty()) {
                    atCommandPrompt.countDown();
                    return never.join();
                }
                return lines.remove(0);
            }

            @Override
            public String readPassword() {
                return readLine();
            }
        };
        StringWriter out = new StringWriter();
        Console console = new Console(server, peers, 8000, dir, input, new Terminal(new PrintWriter(out)),
                REPLY_TIMEOUT);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(console::run);

        assertTrue(atCommandPrompt.await(10, TimeUnit.SECONDS), "the console reaches the prompt");
        server.drop();

        assertEquals(1, exit.get(10, TimeUnit.SECONDS), "non-zero exit");
        assertTrue(out.toString().endsWith(PROMPT + "\nThe server closed the connection.\n"), out.toString());
    }

    /** Lines from a list for a person at a terminal; {@code onLine} sees each line as it is read. */
    private static ConsoleInput person(List<String> lines, java.util.function.Consumer<String> onLine) {
        List<String> left = new ArrayList<>(lines);
        return new ConsoleInput() {
            @Override
            public boolean interactive() {
                return true;
            }

            @Override
            public synchronized String readLine() {
                if (left.isEmpty()) {
                    return null;
                }
                String line = left.remove(0);
                onLine.accept(line);
                return line;
            }

            @Override
            public String readPassword() {
                return readLine();
            }
        };
    }

    private String runAsPerson(ConsoleInput input) {
        StringWriter out = new StringWriter();
        Console console = new Console(server, peers, 8000, dir, input, new Terminal(new PrintWriter(out)),
                REPLY_TIMEOUT, new Random(7));
        exitCode = console.run();
        return out.toString();
    }

    @Test
    void aScriptGivesUpOnAServerThatOwesAReplyLongerThanTheTimeout() {
        server.pendingActive = new CompletableFuture<>();
        server.owed = Duration.ofSeconds(31);

        String[] answers = answers("AED\nDTE 1\n");

        assertEquals(List.of("The server has not answered for 31 s. Disconnecting."), List.of(answers),
                "one line, and nothing after it");
        assertEquals(1, exitCode, "giving up exits 1");
        assertTrue(server.closed.isDone(), "the connection is closed");
        assertFalse(server.requests().contains("Delete 1"), "the script's next command is not run");
    }

    @Test
    void aPersonWhoKeepsWaitingGetsTheReplyWhenItComes() {
        server.pendingActive = new CompletableFuture<>();
        server.owed = Duration.ofSeconds(45);
        DeviceInfo late = new DeviceInfo(DeviceName.of("superwristband"), "10.0.0.5", 9000,
                "30 September 2022 10:32:00");

        String out = runAsPerson(person(List.of("supersmartwatch", "comp9331", "AED", "W", "OUT"), line -> {
            if (line.equals("W")) {
                server.owed = Duration.ZERO;
                server.pendingActive.complete(List.of(late));
            }
        }));

        assertTrue(out.contains("The server has not answered for 45 s.\nKeep waiting (W) or quit (Q)? "
                + "superwristband, 10.0.0.5, 9000, active since 30 September 2022 10:32:00.\n"), out);
        assertEquals(0, exitCode, "OUT after the reply exits 0");
    }

    @Test
    void aPersonWhoQuitsIsDisconnectedWithExitCodeOne() {
        server.pendingActive = new CompletableFuture<>();
        server.owed = Duration.ofSeconds(30);

        String out = runAsPerson(person(List.of("supersmartwatch", "comp9331", "AED", "maybe", "q"), line -> { }));

        assertTrue(out.endsWith("The server has not answered for 30 s.\nKeep waiting (W) or quit (Q)? "
                + "Please answer W to keep waiting or Q to quit.\nKeep waiting (W) or quit (Q)? "
                + "Disconnected from the server.\n"), out);
        assertEquals(1, exitCode, "quitting exits 1");
        assertTrue(server.closed.isDone(), "the connection is closed");
    }

    @Test
    void aReplyWithinTheTimeoutAsksNothing() {
        server.owed = Duration.ofSeconds(29);

        assertAnswers("AED\n", "no other active edge devices");
    }
}
