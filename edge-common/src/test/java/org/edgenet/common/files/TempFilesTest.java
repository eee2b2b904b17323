package org.edgenet.common.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TempFilesTest {
    @TempDir
    Path dir;

    @Test
    void createsDistinctEmptyFilesBesideTheTarget() throws Exception {
        Set<Path> made = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            Path p = TempFiles.create(dir, ".x-", ".tmp");
            assertEquals(dir, p.getParent(), "in the given directory");
            assertTrue(p.getFileName().toString().startsWith(".x-") && p.getFileName().toString().endsWith(".tmp"),
                    "prefix and suffix kept: " + p);
            assertEquals(0, Files.size(p), "empty");
            made.add(p);
        }
        assertEquals(50, made.size(), "every file is new");
    }

    @Test
    void givesTheSamePermissionsAsAnOrdinaryNewFile() throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Set<PosixFilePermission> ordinary = Files.getPosixFilePermissions(Files.createFile(dir.resolve("ordinary")));

        Path temp = TempFiles.create(dir, ".x-", ".tmp");

        assertEquals(ordinary, Files.getPosixFilePermissions(temp), "the umask decides, as for any file");
    }
}
