package org.edgenet.client.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every console command in one place: its names, its usage and what it does. {@code help} prints
 * these texts, the argument checks quote the same usage when there are too many arguments, and
 * Tab completion offers the same names, so the three never disagree.
 */
enum CommandHelp {
    EDG("EDG", null, "EDG fileID dataAmount",
            "write dataAmount random integers to <device>-<fileID>.txt",
            "Writes dataAmount random integers from 0 to 999, one per line, to <device>-<fileID>.txt in the"
                    + " client directory, replacing a file of that name. Nothing is sent."),
    UED("UED", null, "UED fileID",
            "upload <device>-<fileID>.txt to the server",
            "Uploads <device>-<fileID>.txt from the client directory to the server, which keeps it as data file"
                    + " fileID and answers with the number of samples. The console waits for the answer."),
    SCS("SCS", null, "SCS fileID computationOperation",
            "compute SUM, AVERAGE, MAX or MIN of an uploaded file",
            "Asks the server for the SUM, AVERAGE, MAX or MIN of the samples of the uploaded data file fileID."),
    DTE("DTE", null, "DTE fileID",
            "delete an uploaded file from the server",
            "Deletes the uploaded data file fileID from the server. The local file stays."),
    AED("AED", null, "AED",
            "list the other active devices",
            "Lists the other devices on the network: name, address, UDP port and since when each is active."),
    UVF("UVF", null, "UVF deviceName filename",
            "send a file to another device, in the background",
            "Sends filename, a plain file name in the client directory, straight to the active device deviceName"
                    + " over UDP. The transfer runs in the background; the console says when it is done. The"
                    + " receiver stores it as <sender>_<filename>."),
    MSG("MSG", null, "MSG deviceName message",
            "leave a message for a device",
            "Stores the rest of the line as a message for deviceName at the server. An active device hears of"
                    + " it at once; another when it joins. RDM reads it."),
    RDM("RDM", null, "RDM",
            "read the messages waiting for this device",
            "Shows the oldest messages waiting for this device, at most 255, and lets the server forget them."),
    DLD("DLD", null, "DLD fileID",
            "download an uploaded file back to <device>-<fileID>.txt",
            "Downloads the uploaded data file fileID from the server to <device>-<fileID>.txt in the client"
                    + " directory, replacing the local copy only once the whole file has arrived and its SHA-256"
                    + " matches."),
    TID("TID", "Download_tempID", "TID",
            "fetch this device's TempID",
            "Fetches this device's TempID for contact tracing, with the times it is valid from and to."),
    BCN("BCN", null, "BCN deviceName",
            "send a beacon with this device's TempID to a device",
            "Sends a beacon with this device's TempID to the active device deviceName, found with the server's"
                    + " list of active devices."),
    BEACON("Beacon", null, "Beacon ip port",
            "send a beacon to any address",
            "Sends a beacon with this device's TempID to the UDP port of any address."),
    UCL("UCL", "Upload_contact_log", "UCL",
            "upload the contact log after a positive test",
            "Uploads this device's contact log to the server after a positive test; the server tells every"
                    + " contact."),
    OUT("OUT", null, "OUT",
            "leave the network and end the client",
            "Lets background uploads finish, leaves the network and ends the client. The end of the input"
                    + " (Ctrl-D on a terminal) does the same."),
    HELP("help", null, "help [command]",
            "say what the commands do",
            "Lists the commands, or says what one command does and which arguments it takes.");

    private final String name;
    private final String longName;
    private final String usage;
    private final String summary;
    private final String details;

    CommandHelp(String name, String longName, String usage, String summary, String details) {
        this.name = name;
        this.longName = longName;
        this.usage = usage;
        this.summary = summary;
        this.details = details;
    }

    /** The name typed, e.g. {@code TID}. */
    String commandName() {
        return name;
    }

    /** The usage line, e.g. {@code UED fileID}; the argument checks quote it too. */
    String usage() {
        return usage;
    }

    /** Every name that runs a command, the long ones of 002 included, e.g. {@code Download_tempID}. */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (CommandHelp c : values()) {
            names.add(c.name);
            if (c.longName != null) {
                names.add(c.longName);
            }
        }
        return names;
    }

    /** The command that {@code word} names, in any case; empty when it names none. */
    static Optional<CommandHelp> find(String word) {
        for (CommandHelp c : values()) {
            if (c.name.equalsIgnoreCase(word) || (c.longName != null && c.longName.equalsIgnoreCase(word))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The answer to {@code help}: one line per command. */
    static List<String> overview() {
        int width = 0;
        for (CommandHelp c : values()) {
            width = Math.max(width, c.usage.length());
        }
        List<String> lines = new ArrayList<>();
        lines.add("Commands (upper case; arguments separated by spaces):");
        for (CommandHelp c : values()) {
            lines.add("  " + pad(c.usage, width) + "  " + c.summary);
        }
        lines.add("help COMMAND says more about one command.");
        return lines;
    }

    /** The answer to {@code help COMMAND}. */
    List<String> explained() {
        List<String> lines = new ArrayList<>();
        lines.add("Usage: " + usage + (longName == null ? "" : " (or " + usage.replace(name, longName) + ")"));
        lines.add(details);
        return lines;
    }

    /** The answer to {@code help} with the words typed after it. */
    static List<String> answer(String[] words) {
        if (words.length == 1) {
            return overview();
        }
        if (words.length > 2) {
            return List.of("too many arguments, the usage is: " + HELP.usage);
        }
        return find(words[1]).map(CommandHelp::explained).orElseGet(() -> List.of("There is no command '"
                + Printable.of(words[1]) + "'. Use one of " + Console.COMMANDS + " (help lists them all)"));
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
