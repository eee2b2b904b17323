package org.edgenet.client.console;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.DeviceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Tab offers at each place of a command line. */
class CompletionsTest {
    @TempDir
    Path dir;

    private Completions joined() {
        Completions c = new Completions(dir);
        c.joined(DeviceName.of("supersmartwatch"));
        return c;
    }

    private static List<String> values(List<Completions.Choice> choices) {
        return choices.stream().map(Completions.Choice::value).toList();
    }

    private static DeviceInfo active(String name) {
        return new DeviceInfo(DeviceName.of(name), "127.0.0.1", 8001, "30 November 2026 08:00:00");
    }

    @Test
    void offersEveryCommandShortAndLongAtTheStartOfTheLine() {
        List<String> commands = values(joined().choices(List.of()));
        for (String name : List.of("EDG", "UED", "SCS", "DTE", "AED", "UVF", "MSG", "RDM", "DLD", "TID", "BCN", "UCL",
                "OUT", "Download_tempID", "Beacon", "Upload_contact_log", "help")) {
            assertTrue(commands.contains(name), name + " in " + commands);
        }
    }

    @Test
    void offersTheOtherDevicesOfTheLastAedAfterUvfMsgAndBcn() {
        Completions c = joined();
        assertEquals(List.of(), values(c.choices(List.of("UVF"))), "no device is known before AED");
        c.listedActive(List.of(active("uav-camera"), active("yoda-wristband")));
        for (String command : List.of("UVF", "MSG", "BCN")) {
            assertEquals(List.of("uav-camera", "yoda-wristband"), values(c.choices(List.of(command))), command);
        }
        c.listedActive(List.of(active("yoda-wristband")));
        assertEquals(List.of("yoda-wristband"), values(c.choices(List.of("UVF"))), "the last AED replaces the one before");
    }

    @Test
    void addsDevicesHeardFromButNeverItselfOrANameThatIsNoDevice() {
        Completions c = joined();
        c.heardFrom("hans-smartwatch");
        c.heardFrom("health authority");
        c.heardFrom("supersmartwatch");
        c.listedActive(List.of(active("uav-camera")));
        assertEquals(List.of("hans-smartwatch", "uav-camera"), values(c.choices(List.of("MSG"))),
                "a message's sender stays after an AED that does not list it");
    }

    @Test
    void keepsOnlyTheMostRecentDevicesHeardFrom() {
        Completions c = joined();
        for (int i = 0; i < Completions.MAX_HEARD + 10; i++) {
            c.heardFrom("device-" + i);
        }
        List<String> devices = values(c.choices(List.of("UVF")));
        assertEquals(Completions.MAX_HEARD, devices.size(), "bounded");
        assertTrue(devices.contains("device-" + (Completions.MAX_HEARD + 9)), "the latest is kept");
        assertTrue(!devices.contains("device-0"), "the oldest went");
    }

    @Test
    void offersTheFileIdsOfThisDevicesDataFilesForUedDldDteAndScs() throws IOException {
        for (String name : List.of("supersmartwatch-1.txt", "supersmartwatch-20.txt", "uav-camera-3.txt",
                "supersmartwatch-x.txt", "supersmartwatch-007.txt", "notes.txt")) {
            Files.writeString(dir.resolve(name), "1\n");
        }
        Files.createDirectory(dir.resolve("supersmartwatch-5.txt"));
        Completions c = joined();
        for (String command : List.of("UED", "DLD", "DTE", "SCS")) {
            assertEquals(List.of("1", "20"), values(c.choices(List.of(command))), command);
        }
        assertEquals("supersmartwatch-20.txt", c.choices(List.of("UED")).get(1).description(), "the file is shown beside");
        assertEquals(List.of("SUM", "AVERAGE", "MAX", "MIN"), values(c.choices(List.of("SCS", "1"))), "SCS operation");
        assertEquals(List.of(), values(c.choices(List.of("UED", "1"))), "UED takes one argument");
    }

    @Test
    void offersThePlainFilesOfTheClientDirectoryAsUvfsFile() throws IOException {
        Files.writeString(dir.resolve("video.mp4"), "x");
        Files.writeString(dir.resolve("b.bin"), "x");
        Files.writeString(dir.resolve("two words.txt"), "x");
        Files.writeString(dir.resolve("bell\u0007.txt"), "x");
        Files.createDirectory(dir.resolve("sub"));
        Completions c = joined();
        c.listedActive(List.of(active("uav-camera")));
        assertEquals(List.of("b.bin", "video.mp4"), values(c.choices(List.of("UVF", "uav-camera"))),
                "no directory, and no name that cannot be typed back as one word or would print a control character");
        assertEquals(List.of(), values(c.choices(List.of("UVF", "uav-camera", "b.bin"))), "nothing after the file");
    }

    @Test
    void stopsListingAVeryLargeDirectory() throws IOException {
        for (int i = 0; i < Completions.MAX_FILES + 20; i++) {
            Files.createFile(dir.resolve("f" + i));
        }
        assertEquals(Completions.MAX_FILES, joined().choices(List.of("UVF", "x")).size(), "bounded");
    }

    @Test
    void offersCommandNamesAfterHelpAndNothingAfterCommandsWithoutArguments() {
        Completions c = joined();
        assertTrue(values(c.choices(List.of("help"))).contains("Upload_contact_log"), "help COMMAND");
        List<String> none = new ArrayList<>();
        for (String command : List.of("AED", "RDM", "OUT", "TID", "NOPE")) {
            none.addAll(values(c.choices(List.of(command))));
        }
        assertEquals(List.of(), none, "no arguments to complete");
    }
}
