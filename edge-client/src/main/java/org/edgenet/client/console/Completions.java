package org.edgenet.client.console;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What Tab may complete at each place of a command line: command names first; then, by command,
 * device names (the other devices of the last AED, and devices heard from since), file IDs of the
 * local data files, names of local files, or SCS's operations. JLine filters these by what is
 * typed; this class knows nothing of JLine, so tests ask it directly.
 *
 * <p>Names come from the server and from peers, so both sets are bounded, and a file name that
 * could not be typed back as one word, or would print control characters, is not offered.
 */
final class Completions {
    private static final Logger log = LoggerFactory.getLogger(Completions.class);

    /**
     * More than a screen of choices helps nobody; the directory scan stops there, or after looking
     * at four times as many entries, so that Tab answers at once in any directory.
     */
    static final int MAX_FILES = 500;
    /** Devices heard from besides the last AED: the oldest go first. */
    static final int MAX_HEARD = 256;

    /** One choice: the word to insert, and what to show beside it. */
    record Choice(String value, String description) {
    }

    private final Path dir;
    private DeviceName self;
    private final Set<String> active = new TreeSet<>();
    private final LinkedHashSet<String> heard = new LinkedHashSet<>();

    Completions(Path dir) {
        this.dir = dir;
    }

    synchronized void joined(DeviceName device) {
        self = device;
    }

    /** AED's answer replaces the active devices known. */
    synchronized void listedActive(List<DeviceInfo> devices) {
        active.clear();
        for (DeviceInfo d : devices) {
            active.add(d.name().value());
        }
    }

    /** A name seen in a notice or a transfer; ignored when it is no device name. */
    synchronized void heardFrom(String device) {
        try {
            String name = DeviceName.of(device).value();
            heard.remove(name);
            heard.add(name);
            if (heard.size() > MAX_HEARD) {
                Iterator<String> oldest = heard.iterator();
                oldest.next();
                oldest.remove();
            }
        } catch (InvalidValueException e) {
            // "health authority" and the like: not a device one can address.
        }
    }

    /** The choices for the word after {@code before} (the words already typed on the line). */
    List<Choice> choices(List<String> before) {
        if (before.isEmpty()) {
            return plain(CommandHelp.names());
        }
        String command = before.get(0);
        int position = before.size();
        switch (command) {
            case "help", "HELP":
                return position == 1 ? plain(CommandHelp.names()) : List.of();
            case "UED", "DLD", "DTE", "SCS":
                if (position == 1) {
                    return dataFiles();
                }
                return command.equals("SCS") && position == 2 ? operations() : List.of();
            case "UVF":
                return position == 1 ? devices() : position == 2 ? localFiles() : List.of();
            case "MSG", "BCN":
                return position == 1 ? devices() : List.of();
            default:
                return List.of();
        }
    }

    private synchronized List<Choice> devices() {
        Set<String> names = new TreeSet<>(active);
        names.addAll(heard);
        if (self != null) {
            names.remove(self.value());
        }
        List<Choice> choices = new ArrayList<>();
        for (String n : names) {
            choices.add(new Choice(n, active.contains(n) ? "active at the last AED" : "heard from"));
        }
        return choices;
    }

    private static List<Choice> operations() {
        List<Choice> choices = new ArrayList<>();
        for (Operation op : Operation.values()) {
            choices.add(new Choice(op.name(), null));
        }
        return choices;
    }

    /** The file IDs of this device's data files, {@code <device>-<fileID>.txt}. */
    private List<Choice> dataFiles() {
        DeviceName device;
        synchronized (this) {
            device = self;
        }
        if (device == null) {
            return List.of();
        }
        String prefix = device.value() + "-";
        List<Choice> choices = new ArrayList<>();
        for (String name : fileNames()) {
            if (name.startsWith(prefix) && name.endsWith(".txt")) {
                String id = name.substring(prefix.length(), name.length() - ".txt".length());
                Long n = CommandArguments.parseLong(id);
                if (n != null && n >= 0 && id.equals(Long.toString(n))) {
                    choices.add(new Choice(id, name));
                }
            }
        }
        return choices;
    }

    private List<Choice> localFiles() {
        return plain(fileNames());
    }

    /** The plain files of the client directory that can be typed as one word, sorted. */
    private List<String> fileNames() {
        Set<String> names = new TreeSet<>();
        int looked = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (++looked > 4 * MAX_FILES) {
                    break;
                }
                String name = f.getFileName().toString();
                if (name.isEmpty() || !name.equals(Printable.of(name)) || name.chars().anyMatch(Character::isWhitespace)
                        || !Files.isRegularFile(f)) {
                    continue;
                }
                names.add(name);
                if (names.size() >= MAX_FILES) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.info("Cannot list {} for completion: {}", dir, e.toString());
        }
        return new ArrayList<>(names);
    }

    private static List<Choice> plain(List<String> values) {
        List<Choice> choices = new ArrayList<>();
        for (String v : values) {
            choices.add(new Choice(v, null));
        }
        return choices;
    }
}
