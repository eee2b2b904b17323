package org.edgenet.client.console;

import org.edgenet.client.p2p.TransferEvents;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells the user about incoming UVF files, and about progress of large transfers at each quarter,
 * so that a long transfer is visibly alive without flooding the screen.
 */
public final class TransferAnnouncer implements TransferEvents {
    /** Smaller transfers finish too fast for progress lines to help. */
    static final long PROGRESS_THRESHOLD_BYTES = 8L * 1024 * 1024;

    private final Terminal terminal;
    private final Map<String, Integer> quartersShown = new ConcurrentHashMap<>();

    public TransferAnnouncer(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public void received(String fileName, String presenter, Path stored) {
        quartersShown.remove(key(fileName, presenter, false));
        terminal.progressEnded(key(fileName, presenter, false));
        terminal.heardFrom(presenter);
        terminal.announce("Received " + fileName + " from " + presenter);
    }

    @Override
    public void receiveFailed(String fileName, String presenter, String reason) {
        quartersShown.remove(key(fileName, presenter, false));
        terminal.progressEnded(key(fileName, presenter, false));
        terminal.announce(fileName + " from " + presenter + " could not be received: " + reason);
    }

    @Override
    public void leftoversRemoved(int files, long bytes) {
        terminal.announce("Removed " + (files == 1 ? "1 partial file" : files + " partial files")
                + " (" + bytes + " bytes) left by interrupted transfers (UVF or DLD)");
    }

    @Override
    public void progress(String fileName, String peer, boolean sending, long doneBytes, long totalBytes) {
        String label = "UVF " + fileName + (sending ? " to " : " from ") + peer;
        if (terminal.progress(key(fileName, peer, sending), label, doneBytes, totalBytes)) {
            return;
        }
        if (totalBytes < PROGRESS_THRESHOLD_BYTES || doneBytes >= totalBytes) {
            quartersShown.remove(key(fileName, peer, sending));
            return;
        }
        int quarter = (int) (doneBytes * 4 / totalBytes);
        if (quarter == 0) {
            return;
        }
        Integer before = quartersShown.put(key(fileName, peer, sending), quarter);
        if (before == null || before < quarter) {
            String direction = sending ? "Sending " + fileName + " to " : "Receiving " + fileName + " from ";
            terminal.announce(direction + peer + ": " + quarter * 25 + "%");
        }
    }

    /** Names one transfer: its file, its peer and its direction. */
    static String key(String fileName, String peer, boolean sending) {
        return (sending ? ">" : "<") + peer + "/" + fileName;
    }
}
