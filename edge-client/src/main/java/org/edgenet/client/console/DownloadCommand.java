package org.edgenet.client.console;

import org.edgenet.client.console.Dialog.ServerGone;
import org.edgenet.client.net.DownloadFailedException;
import org.edgenet.client.net.DownloadProgress;
import org.edgenet.client.net.Downloaded;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.ServerLink;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.wire.ErrorCode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The console's DLD: fetches one of the device's stored files back into the client directory as
 * {@code <device>-<fileID>.txt}, the name EDG writes and UED reads. A file of that name is replaced,
 * in one step and only once the download is complete and checked, as EDG replaces it: the server's
 * copy is what the user asked for, and a failed download leaves the local file as it was. Like UED
 * it runs in the foreground: lines typed meanwhile wait for the next prompt.
 */
final class DownloadCommand {
    /** Smaller downloads finish too fast for progress lines to help. */
    static final long PROGRESS_THRESHOLD_BYTES = 8L * 1024 * 1024;

    private final DeviceName device;
    private final ServerLink server;
    private final Path dir;
    private final Terminal terminal;
    private final Dialog dialog;
    private final CommandArguments arguments;

    DownloadCommand(DeviceName device, ServerLink server, Path dir, Terminal terminal, Dialog dialog) {
        this.device = device;
        this.server = server;
        this.dir = dir;
        this.terminal = terminal;
        this.dialog = dialog;
        this.arguments = new CommandArguments(terminal);
    }

    void run(String[] words) throws ServerGone {
        FileId fileId = arguments.fileIdArgument(words, 2, CommandHelp.DLD.usage());
        if (fileId == null) {
            return;
        }
        String name = device.dataFileName(fileId);
        Path target = dir.resolve(name);
        if (Files.isDirectory(target)) {
            terminal.say(name + " is a directory in the client directory; nothing was downloaded");
            return;
        }
        try {
            Downloaded done = dialog.await(server.download(fileId, target, progress(name)));
            terminal.say("Data file with ID of " + fileId + " has been downloaded from the server to " + name
                    + " (" + done.bytes() + " bytes, SHA-256 checked" + (done.replaced() ? "; it replaced the local copy"
                    : "") + ")");
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.NO_SUCH_FILE ? "the file does not exist at the server side"
                    : "the server could not send file " + fileId + ": " + e.getMessage());
        } catch (DownloadFailedException e) {
            terminal.say("the download of file " + fileId + " failed: " + e.getMessage() + "; " + name
                    + " was not changed");
        } finally {
            terminal.progressEnded(progressKey(name));
        }
    }

    /**
     * The download's progress in the terminal's status line, or else a line at each quarter of a
     * large download, so that it is visibly alive.
     */
    private DownloadProgress progress(String name) {
        String key = progressKey(name);
        String label = "DLD " + name;
        return new DownloadProgress() {
            private int shown;

            @Override
            public void written(long written, long size) {
                if (terminal.progress(key, label, written, size)) {
                    return;
                }
                if (size < PROGRESS_THRESHOLD_BYTES || written >= size) {
                    return;
                }
                int quarter = (int) (written * 4 / size);
                if (quarter > shown) {
                    shown = quarter;
                    terminal.say("Downloading " + name + ": " + quarter * 25 + "% (" + written + " of " + size
                            + " bytes)");
                }
            }
        };
    }

    private static String progressKey(String name) {
        return "DLD " + name;
    }
}
