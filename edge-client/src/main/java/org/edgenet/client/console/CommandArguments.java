package org.edgenet.client.console;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.format.InvalidValueException;

import java.util.Optional;

/**
 * The checks every command's arguments go through before anything is sent. Each check says what
 * is wrong on the terminal and tells the command to stop; the server checks the values again.
 * Typed numbers leave here as {@link FileId}s.
 */
final class CommandArguments {
    private static final String FILE_ID_NEEDED = "fileID is missing or fileID should be an integer";

    private final Terminal terminal;

    CommandArguments(Terminal terminal) {
        this.terminal = terminal;
    }

    /**
     * True when {@code words} (the command included) are exactly {@code count}; otherwise says
     * {@code missing} when there are fewer, or the usage when there are more.
     */
    boolean exactly(String[] words, int count, String missing, String usage) {
        if (words.length < count) {
            terminal.say(missing);
            return false;
        }
        return !tooMany(words, count, usage);
    }

    /** True, after saying the usage, when {@code words} (the command included) has more than {@code max}. */
    private boolean tooMany(String[] words, int max, String usage) {
        if (words.length > max) {
            terminal.say("too many arguments, the usage is: " + usage);
            return true;
        }
        return false;
    }

    /**
     * The fileID argument of SCS or DTE, or null after saying that there are more than {@code max}
     * words (showing the usage), or that the fileID is missing or wrong.
     */
    FileId fileIdArgument(String[] words, int max, String usage) {
        if (tooMany(words, max, usage)) {
            return null;
        }
        if (words.length < 2) {
            terminal.say(FILE_ID_NEEDED);
            return null;
        }
        return fileId(words[1]);
    }

    /** A fileID argument of UED, SCS or DTE, or null after saying what is wrong with it. */
    FileId fileId(String word) {
        Long id = parseLong(word);
        if (id == null) {
            terminal.say(FILE_ID_NEEDED);
            return null;
        }
        Optional<FileId> fileId = fileIdOf(id);
        if (fileId.isEmpty()) {
            terminal.say("the fileID must not be negative");
        }
        return fileId.orElse(null);
    }

    /**
     * The device that {@code word} names, when it is another than {@code self}; otherwise null after
     * saying what is wrong, ending with {@code forOthers} when it names this device.
     */
    DeviceName otherDevice(String word, DeviceName self, String forOthers) {
        DeviceName other;
        try {
            other = DeviceName.of(word);
        } catch (InvalidValueException e) {
            terminal.say(word + " is not a valid edge device name");
            return null;
        }
        if (other.equals(self)) {
            terminal.say(other + " is this device: " + forOthers);
            return null;
        }
        return other;
    }

    /** The file ID that {@code id} names; empty when it names none (it is negative). */
    static Optional<FileId> fileIdOf(long id) {
        try {
            return Optional.of(FileId.of(id));
        } catch (InvalidValueException e) {
            return Optional.empty();
        }
    }

    /** The number {@code word} holds, or null when it holds none. */
    static Long parseLong(String word) {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
