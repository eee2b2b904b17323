package org.edgenet.server;

import org.edgenet.common.cli.StartupException;
import org.edgenet.common.testing.MutableClock;
import org.edgenet.server.service.ActivityLog;
import org.edgenet.server.service.Disk;
import org.edgenet.server.service.FileCredentialStore;
import org.edgenet.server.service.FileDataStore;
import org.edgenet.server.service.FileDeviceRegistry;
import org.edgenet.server.service.InMemoryLoginGuard;
import org.edgenet.server.service.JournalMessageStore;
import org.edgenet.server.service.KeyedSerialExecutor;
import org.edgenet.server.service.Services;
import org.edgenet.server.service.TracingService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Real file-backed services in a temp directory, all running on the caller's thread, with a clock
 * the test moves. Handler tests on an EmbeddedChannel then only need {@code runPendingTasks()}.
 */
public final class TestServices implements AutoCloseable {
    /** 30 September 2022 10:31:13 UTC, the time of the specification's examples. */
    public static final Instant START = Instant.parse("2022-09-30T10:31:13Z");
    public static final String CREDENTIALS = """
            supersmartwatch comp9331
            superwristband davidpass
            wei-smartphone ph0ne$Wei
            """;
    public static final int ATTEMPTS = 3;
    public static final Duration BLOCK = Duration.ofSeconds(10);

    public final Path dir;
    public final MutableClock clock = new MutableClock(START, ZoneOffset.UTC);
    public final FileDeviceRegistry registry;
    public final ActivityLog uploadLog;
    public final ActivityLog deletionLog;
    public final FileDataStore data;
    public final JournalMessageStore messages;
    public final TracingService tracing;
    public final Services services;

    public TestServices(Path dir) {
        this(dir, KeyedSerialExecutor.direct());
    }

    /** With the data store's file work on {@code lanes}, e.g. a queue the test runs by hand. */
    public TestServices(Path dir, KeyedSerialExecutor lanes) {
        this(dir, lanes, Disk.synced());
    }

    /** With every file-system step going through {@code disk}, e.g. one that records or fails them. */
    public TestServices(Path dir, KeyedSerialExecutor lanes, Disk disk) {
        this.dir = dir;
        try {
            Files.writeString(dir.resolve("credentials.txt"), CREDENTIALS);
            registry = FileDeviceRegistry.open(dir.resolve("edge-device-log.txt"), clock, ZoneOffset.UTC, disk,
                    Runnable::run);
            registry.clear();
            uploadLog = ActivityLog.open(dir.resolve("upload-log.txt"), disk, Runnable::run);
            deletionLog = ActivityLog.open(dir.resolve("deletion-log.txt"), disk, Runnable::run);
            data = new FileDataStore(dir.resolve("data"), uploadLog, deletionLog, lanes, disk, clock, ZoneOffset.UTC);
            messages = JournalMessageStore.open(dir.resolve("messages"), MessageSettings.DEFAULT_PER_RECIPIENT,
                    MessageSettings.DEFAULT_TOTAL_BYTES, disk, clock, JournalMessageStore.DEFAULT_SEGMENT_BYTES,
                    Runnable::run, Runnable::run);
            tracing = TracingService.open(TracingSettings.defaults().in(dir), disk, clock, ZoneOffset.UTC, messages,
                    Runnable::run);
            services = new Services(FileCredentialStore.load(dir.resolve("credentials.txt")),
                    new InMemoryLoginGuard(ATTEMPTS, BLOCK, clock), registry, data, messages, tracing);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StartupException e) {
            throw new IllegalStateException(e);
        }
    }

    public String read(String file) {
        try {
            Path p = dir.resolve(file);
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        tracing.close();
        messages.close();
        data.close();
        uploadLog.close();
        deletionLog.close();
        registry.close();
    }
}
