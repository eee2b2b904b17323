package org.edgenet.server.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The server's own {@link MaintenanceTask}s: the data store's temp files and summaries, the journal. */
public final class MaintenanceTasks {
    /**
     * A temp file nobody wrote for this long is left over: an upload writes its temp file with
     * every chunk, and a device silent this long mid-upload is long past any time-out.
     */
    public static final Duration STALE_TEMP_AFTER = Duration.ofHours(1);
    /** How long a maintenance run waits for a file's writer. */
    static final Duration WRITER_WAIT = Duration.ofMinutes(1);

    private MaintenanceTasks() {
    }

    /** Stale temp files, data files against their summaries, journal compaction; a list to add to. */
    public static List<MaintenanceTask> standard(FileDataStore data, JournalMessageStore messages) {
        List<MaintenanceTask> tasks = new ArrayList<>();
        tasks.add(MaintenanceTask.of("temp files", () -> {
            int n = data.removeStaleUploads(STALE_TEMP_AFTER);
            return n == 0 ? "none stale" : "removed " + n;
        }));
        tasks.add(MaintenanceTask.of("summaries", () -> {
            FileDataStore.SummaryCheck c = data.checkSummaries();
            return c.checked() + " checked, " + c.rebuilt() + " rebuilt"
                    + (c.damaged() == 0 ? "" : ", " + c.damaged() + " not valid data");
        }));
        tasks.add(MaintenanceTask.of("journal", () -> {
            int removed = messages.compact().get(WRITER_WAIT.toSeconds(), TimeUnit.SECONDS);
            return removed == 0 ? "nothing to compact" : "removed " + removed + (removed == 1 ? " file" : " files");
        }));
        return tasks;
    }

    /** TempIDs past their retention, dropped from memory and from tempIDs.txt by its writer. */
    public static MaintenanceTask tempIds(TracingService tracing) {
        return MaintenanceTask.of("TempIDs", () -> {
            int removed = tracing.purgeExpired().get(WRITER_WAIT.toSeconds(), TimeUnit.SECONDS);
            return removed == 0 ? "none past retention" : "dropped " + removed;
        });
    }
}
