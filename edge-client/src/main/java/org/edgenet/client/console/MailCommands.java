package org.edgenet.client.console;

import org.edgenet.client.console.Dialog.ServerGone;
import org.edgenet.client.net.ServerLink;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.InvalidValueException;
import org.edgenet.common.message.MailItem;
import org.edgenet.common.message.MessageArrived;
import org.edgenet.common.message.MessageBatch;
import org.edgenet.common.message.MessagesWaiting;
import org.edgenet.common.message.Notice;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's MSG and RDM, and the lines the server's notices print above the prompt.
 *
 * <p>RDM shows the oldest messages, acknowledging each batch once it is printed, so the server
 * removes only what this screen has shown; it fetches batches until {@link #MAX_SHOWN} are shown
 * or none wait. A message already shown (the server shows it again after an acknowledgement that
 * failed) is recognised by its id and not printed twice. Ids do not tell the order of printing: a
 * message that another reader of the same name was handed and gave back comes again in its place,
 * older than some already printed, and is printed then.
 */
final class MailCommands {
    /** The most messages one RDM shows. */
    static final int MAX_SHOWN = 255;
    static final int MAX_TEXT_BYTES = 65_535;
    static final String MSG_USAGE = "MSG command requires deviceName and a message as arguments.";

    private static final Pattern MSG = Pattern.compile("\\s*MSG(?:\\s+(\\S+)(?:\\s+(.*?))?)?\\s*", Pattern.DOTALL);

    private final ServerLink server;
    private final Terminal terminal;
    private final Dialog dialog;
    /**
     * The ids printed whose acknowledgement the server has not answered: once it has, it never
     * shows them again, so this holds at most the batches of failed acknowledgements.
     */
    private final Set<Long> unconfirmed = new HashSet<>();

    MailCommands(ServerLink server, Terminal terminal, Dialog dialog) {
        this.server = server;
        this.terminal = terminal;
        this.dialog = dialog;
    }

    /** Prints a notice above the prompt; called on the connection's thread. */
    void notice(Notice notice) {
        if (notice instanceof MessageArrived arrived) {
            terminal.heardFrom(arrived.sender());
            terminal.announce("New message from " + Printable.of(arrived.sender()) + "; RDM to read it");
        } else if (notice instanceof MessagesWaiting waiting) {
            int n = waiting.count();
            terminal.announce(n == 1 ? "1 message waiting; RDM to read it" : n + " messages waiting; RDM to read them");
        }
    }

    /** {@code MSG deviceName text…}: the text is the rest of the line. */
    void send(String line) throws ServerGone {
        Matcher m = MSG.matcher(line);
        if (!m.matches() || m.group(1) == null || m.group(2) == null || m.group(2).isEmpty()) {
            terminal.say(MSG_USAGE);
            return;
        }
        DeviceName recipient;
        try {
            recipient = DeviceName.of(m.group(1));
        } catch (InvalidValueException e) {
            terminal.say(m.group(1) + " is not a valid edge device name");
            return;
        }
        String text = m.group(2);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TEXT_BYTES) {
            terminal.say("the message is too long: " + bytes + " bytes of UTF-8, at most " + MAX_TEXT_BYTES);
            return;
        }
        dialog.await(server.postMessage(recipient, text));
        terminal.say("Message stored for " + recipient);
    }

    /** {@code RDM}: the oldest messages, at most {@link #MAX_SHOWN}. */
    void read(String[] words) throws ServerGone {
        if (words.length > 1) {
            terminal.say("RDM takes no arguments");
            return;
        }
        int shown = 0;
        int left = 0;
        while (shown < MAX_SHOWN) {
            MessageBatch batch = dialog.await(server.readMessages(MAX_SHOWN - shown));
            if (batch.messages().isEmpty()) {
                left = 0;
                break;
            }
            int fresh = 0;
            for (MailItem item : batch.messages()) {
                if (unconfirmed.add(item.id())) {
                    terminal.say("From " + Printable.of(item.sender()) + " at " + item.storedAt() + ": "
                            + Printable.of(item.text()));
                    fresh++;
                }
            }
            shown += fresh;
            // Printed, so the server may forget them.
            left = dialog.await(server.ackMessages(batch.lastId()));
            batch.messages().forEach(item -> unconfirmed.remove(item.id()));
            if (left == 0 || fresh == 0) {
                // Nothing new: the server shows again what it was told was shown; do not ask it round.
                break;
            }
        }
        if (shown == 0) {
            terminal.say(left == 0 ? "No messages waiting" : "No new messages");
        } else if (left > 0) {
            terminal.say((shown + left) + " messages waiting; showing the oldest " + shown
                    + ". Run RDM again for the rest.");
        }
    }
}
