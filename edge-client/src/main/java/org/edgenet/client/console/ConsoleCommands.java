package org.edgenet.client.console;

import org.edgenet.client.console.Dialog.ServerGone;
import org.edgenet.client.net.ServerError;
import org.edgenet.client.net.ServerLink;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;
import org.edgenet.common.message.Computed;
import org.edgenet.common.message.DeviceInfo;
import org.edgenet.common.message.Operation;
import org.edgenet.common.message.Peer;
import org.edgenet.common.message.Uploaded;
import org.edgenet.common.wire.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The commands of a joined device other than OUT: EDG, UED, SCS, DTE, AED and UVF, each given the
 * words of its line. UVF transfers run in the background; {@link #awaitTransfers()} lets them end.
 */
final class ConsoleCommands {
    private static final Logger log = LoggerFactory.getLogger(ConsoleCommands.class);

    private static final String NO_SUCH_LOCAL_FILE = "the file to be uploaded does not exist";
    private static final String NO_SUCH_SERVER_FILE = "the file does not exist at the server side";

    private final DeviceName device;
    private final ServerLink server;
    private final PeerSender peers;
    private final Path dir;
    private final Terminal terminal;
    private final DataGenerator generator;
    private final Dialog dialog;
    private final CommandArguments arguments;
    private final Set<CompletableFuture<?>> transfers = ConcurrentHashMap.newKeySet();

    ConsoleCommands(DeviceName device, ServerLink server, PeerSender peers, Path dir, Terminal terminal,
                    DataGenerator generator, Dialog dialog) {
        this.device = device;
        this.server = server;
        this.peers = peers;
        this.dir = dir;
        this.terminal = terminal;
        this.generator = generator;
        this.dialog = dialog;
        this.arguments = new CommandArguments(terminal);
    }

    void generate(String[] words) throws IOException {
        if (!arguments.exactly(words, 3, "EDG command requires fileID and dataAmount as arguments.",
                CommandHelp.EDG.usage())) {
            return;
        }
        Long id = CommandArguments.parseLong(words[1]);
        Long amount = CommandArguments.parseLong(words[2]);
        if (id == null || amount == null) {
            terminal.say("the fileID or dataAmount are not integers, you need to specify the parameter as integers");
            return;
        }
        Optional<FileId> fileId = CommandArguments.fileIdOf(id);
        if (fileId.isEmpty() || amount < 0) {
            terminal.say("the fileID and dataAmount must not be negative");
            return;
        }
        String fileName = device.dataFileName(fileId.get());
        generator.write(dir.resolve(fileName), amount);
        terminal.say("data generation done: " + amount + " data samples written to " + fileName);
    }

    void upload(String[] words) throws ServerGone, IOException {
        if (!arguments.exactly(words, 2, "fileID is needed to upload the data", CommandHelp.UED.usage())) {
            return;
        }
        FileId fileId = arguments.fileId(words[1]);
        if (fileId == null) {
            return;
        }
        Path file = dir.resolve(device.dataFileName(fileId));
        if (!Files.isRegularFile(file)) {
            terminal.say(NO_SUCH_LOCAL_FILE);
            return;
        }
        String progressKey = "UED " + file.getFileName();
        try {
            Uploaded done = dialog.await(server.upload(fileId, file,
                    (sent, size) -> terminal.progress(progressKey, progressKey, sent, size)));
            terminal.say("Data file with ID of " + fileId + " has been uploaded to the server ("
                    + done.dataAmount() + " samples)");
        } catch (ServerError e) {
            terminal.say("the server refused the upload: " + e.getMessage());
        } finally {
            terminal.progressEnded(progressKey);
        }
    }

    void compute(String[] words) throws ServerGone {
        FileId fileId = arguments.fileIdArgument(words, 3, CommandHelp.SCS.usage());
        if (fileId == null) {
            return;
        }
        Optional<Operation> op = words.length < 3 ? Optional.empty() : Operation.parse(words[2]);
        if (op.isEmpty()) {
            terminal.say("the computation operation should be one of SUM, AVERAGE, MAX, MIN");
            return;
        }
        try {
            Computed result = dialog.await(server.compute(fileId, op.get()));
            terminal.say("Computation (" + op.get() + ") result on the file (ID:" + fileId
                    + ") returned from the server is: " + result.result());
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.NO_SUCH_FILE ? NO_SUCH_SERVER_FILE : e.getMessage());
        }
    }

    void delete(String[] words) throws ServerGone {
        FileId fileId = arguments.fileIdArgument(words, 2, CommandHelp.DTE.usage());
        if (fileId == null) {
            return;
        }
        try {
            dialog.await(server.delete(fileId));
            terminal.say("file with ID of " + fileId + " has been successfully removed from the central server");
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.NO_SUCH_FILE ? NO_SUCH_SERVER_FILE : e.getMessage());
        }
    }

    void listActive(String[] words) throws ServerGone {
        if (words.length > 1) {
            terminal.say("AED takes no arguments");
            return;
        }
        List<DeviceInfo> others = dialog.await(server.listActive());
        terminal.listedActive(others);
        if (others.isEmpty()) {
            terminal.say("no other active edge devices");
        }
        for (DeviceInfo d : others) {
            terminal.say(d.name() + ", " + d.ip() + ", " + d.udpPort() + ", active since " + d.activeSince() + ".");
        }
    }

    void sendToPeer(String[] words) throws ServerGone {
        if (!arguments.exactly(words, 3, "UVF command requires deviceName and filename as arguments.",
                CommandHelp.UVF.usage())) {
            return;
        }
        String fileName = words[2];
        // Only files of the client directory may leave the device.
        if (fileName.contains("/") || fileName.contains("\\") || fileName.contains("..")) {
            terminal.say("the filename must be a plain file name in the client directory");
            return;
        }
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            terminal.say(NO_SUCH_LOCAL_FILE);
            return;
        }
        DeviceName audience = arguments.otherDevice(words[1], device, "UVF sends files to other devices");
        if (audience == null) {
            return;
        }
        Peer peer;
        try {
            peer = dialog.await(server.lookupPeer(audience));
        } catch (ServerError e) {
            terminal.say(e.code() == ErrorCode.DEVICE_OFFLINE ? audience + " is offline" : e.getMessage());
            return;
        }
        CompletableFuture<Void> transfer = startTransfer(peer, file);
        // Remembered so that OUT can let it finish instead of cutting it off.
        transfers.add(transfer);
        terminal.say("Uploading " + fileName + " to " + audience + " in the background");
        transfer.whenComplete((ok, failure) -> {
            transfers.remove(transfer);
            terminal.progressEnded(TransferAnnouncer.key(fileName, audience.value(), true));
            if (failure == null) {
                terminal.announce(fileName + " has been uploaded");
            } else {
                log.info("UVF of {} to {} failed", fileName, audience, failure);
                terminal.announce(fileName + " could not be uploaded to " + audience + ": " + describe(failure));
            }
        });
    }

    private CompletableFuture<Void> startTransfer(Peer peer, Path file) {
        try {
            return peers.send(new InetSocketAddress(peer.ip(), peer.udpPort()), file, peer.ticket());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Before leaving: lets the UVF uploads still running finish, successful or not. */
    void awaitTransfers() {
        if (transfers.isEmpty()) {
            return;
        }
        terminal.say("Waiting for " + transfers.size() + " background upload(s) to finish");
        try {
            CompletableFuture.allOf(transfers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Each failure was already announced by its own callback.
        }
    }

    /** The message of a failure, unwrapped from the future that carried it. */
    static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
