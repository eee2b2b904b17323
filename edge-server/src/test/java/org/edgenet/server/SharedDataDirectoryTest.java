package org.edgenet.server;

import org.edgenet.common.cli.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedDataDirectoryTest {
    @TempDir
    Path dir;

    private Path data() {
        return dir.resolve("data").toAbsolutePath().normalize();
    }

    @Test
    void membersOfOneClusterShareTheDirectoryWhichTheFirstMarksWithTheClusterName() throws Exception {
        try (SharedDataDirectory a = SharedDataDirectory.claim(data(), "east");
             SharedDataDirectory b = SharedDataDirectory.claim(data(), "east")) {
            assertEquals("east\n", Files.readString(data().resolve(SharedDataDirectory.MARKER)));
        }
        try (SharedDataDirectory again = SharedDataDirectory.claim(data(), "east")) {
            assertTrue(Files.exists(data().resolve(SharedDataDirectory.MARKER)), "the marker outlives the members");
        }
        try (var files = Files.list(data())) {
            assertEquals(List.of(SharedDataDirectory.MARKER, DirectoryLock.FILE_NAME),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temp file left");
        }
    }

    @Test
    void aMemberOfAnotherClusterIsRefusedInOneLineAndChangesNothing() throws Exception {
        try (SharedDataDirectory east = SharedDataDirectory.claim(data(), "east")) {
            StartupException e = assertThrows(StartupException.class, () -> SharedDataDirectory.claim(data(), "west"));
            assertEquals("The data directory " + data() + " belongs to cluster east, not to cluster west",
                    e.getMessage());
        }
        assertThrows(StartupException.class, () -> SharedDataDirectory.claim(data(), "west"),
                "refused also when no member of east runs");
        assertEquals("east\n", Files.readString(data().resolve(SharedDataDirectory.MARKER)), "marker unchanged");
    }

    @Test
    void aServerAloneIsRefusedTheDirectoryOfAClusterAndAMemberThatOfAServerAlone() throws Exception {
        try (SharedDataDirectory east = SharedDataDirectory.claim(data(), "east")) {
            assertThrows(StartupException.class, () -> DirectoryLock.acquire(data()),
                    "a server alone cannot lock it while a member uses it");
        }
        StartupException e = assertThrows(StartupException.class, () -> SharedDataDirectory.refuseIfShared(data()));
        assertEquals("The data directory " + data() + " belongs to cluster east: start this server with the "
                + "cluster's settings, or remove .edgenet-cluster there once no member of it runs", e.getMessage());

        Path alone = dir.resolve("alone");
        try (DirectoryLock lock = DirectoryLock.acquire(alone)) {
            SharedDataDirectory.refuseIfShared(alone);
            StartupException refused = assertThrows(StartupException.class,
                    () -> SharedDataDirectory.claim(alone, "east"));
            assertEquals("A server that is not of this cluster is using the data directory "
                    + alone.toAbsolutePath().normalize(), refused.getMessage());
        }
        assertFalse(Files.exists(alone.resolve(SharedDataDirectory.MARKER)), "nothing marked");
    }

    @Test
    void aServerOfAnotherClusterIsRefusedTheDataDirectoryBeforeItStartsItsMember() throws Exception {
        Files.createDirectories(data());
        Files.writeString(data().resolve(SharedDataDirectory.MARKER), "east\n");
        Path home = Files.createDirectories(dir.resolve("west"));
        Files.writeString(home.resolve("credentials.txt"), TestServices.CREDENTIALS);
        ServerConfig config = ServerConfig.in(home).port(0).bindAddress(InetAddress.getLoopbackAddress())
                .dataDir(data()).cluster(new ClusterSettings(List.of(new InetSocketAddress("127.0.0.1", 28310)),
                        "west", 28310)).build();
        StartupException e = assertThrows(StartupException.class, () -> EdgeServer.start(config));
        assertEquals("The data directory " + data() + " belongs to cluster east, not to cluster west", e.getMessage());

        ServerConfig alone = ServerConfig.in(home).port(0).bindAddress(InetAddress.getLoopbackAddress())
                .dataDir(data()).build();
        StartupException aloneRefused = assertThrows(StartupException.class, () -> EdgeServer.start(alone));
        assertTrue(aloneRefused.getMessage().startsWith("The data directory " + data() + " belongs to cluster east:"),
                aloneRefused.getMessage());
    }
}
