package org.edgenet.server.net;

import org.edgenet.common.cli.StartupException;
import org.edgenet.server.EdgeServer;
import org.edgenet.server.LogCapture;
import org.edgenet.server.ServerConfig;
import org.edgenet.server.TestServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.edgenet.server.net.Ae73DecoderTest.create;
import static org.edgenet.server.net.Ae73DecoderTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The 0xAE73 port of a real server, spoken to with plain sockets as an 003 client would. */
class MessagePortTest {
    @TempDir
    Path dir;
    private EdgeServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ServerConfig config() throws IOException {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        ServerConfig c = ServerConfig.in(dir).port(0).bindAddress(InetAddress.getLoopbackAddress()).build();
        return c.toBuilder().messages(c.messages().withPort(0)).build();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.messagePort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends one request and reads until the server closes. */
    private byte[] exchange(byte[] request) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return s.getInputStream().readAllBytes();
        }
    }

    private static List<String> texts(byte[] response) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(response));
        assertEquals(0xAE73, in.readUnsignedShort());
        assertEquals(3, in.readUnsignedByte());
        int items = in.readUnsignedByte();
        in.readUnsignedByte();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            int senderLen = in.readUnsignedByte();
            int messageLen = in.readUnsignedShort();
            in.skipNBytes(senderLen);
            texts.add(new String(in.readNBytes(messageLen), StandardCharsets.UTF_8));
        }
        assertThrows(EOFException.class, in::readByte, "nothing after the record");
        return texts;
    }

    private static void awaitClosed(Socket s) throws IOException {
        try {
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "closed without a byte");
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection");
        }
    }

    @Test
    void isOffByDefault() throws Exception {
        Files.writeString(dir.resolve("credentials.txt"), TestServices.CREDENTIALS);
        server = EdgeServer.start(ServerConfig.in(dir).port(0).build());
        assertEquals(-1, server.messagePort());
    }

    @Test
    void warnsAtStartThatThePortHasNoAuthentication() throws Exception {
        List<String> warnings;
        try (LogCapture logs = new LogCapture(EdgeServer.class)) {
            server = EdgeServer.start(config());
            warnings = logs.warnings();
        }
        assertEquals(List.of("WARN The 0xAE73 message port is open on 127.0.0.1 port " + server.messagePort()
                + ". It has no authentication: anyone who can reach it can read any mailbox and leave messages "
                + "under any name"), warnings);
    }

    @Test
    void aMessageCreatedOnOneConnectionIsReadOnAnother() throws Exception {
        server = EdgeServer.start(config());

        assertEquals(0, exchange(create("Ωmega", "zoë", "héllo ☃")).length, "no response to a create");
        assertEquals(List.of("héllo ☃"), texts(exchange(read("zoë"))));
        assertEquals(List.of(), texts(exchange(read("zoë"))), "removed by the read");
    }

    @Test
    void aClientThatStallsIsClosedAfterTheGapWhileOthersAreServed() throws Exception {
        server = EdgeServer.start(config());
        try (Socket slow = connect()) {
            slow.getOutputStream().write(new byte[] {(byte) 0xAE, 0x73, 2});
            slow.getOutputStream().flush();
            assertEquals(0, exchange(create("alice", "bob", "meanwhile")).length, "another is served meanwhile");
            awaitClosed(slow);
        }
        assertEquals(List.of("meanwhile"), texts(exchange(read("bob"))));
    }

    @Test
    void refusesToStartWhenTheMessagePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerConfig c = config();
            StartupException e = assertThrows(StartupException.class,
                    () -> EdgeServer.start(c.toBuilder().messages(c.messages().withPort(taken.getLocalPort())).build()));
            assertEquals("Cannot listen for 0xAE73 messages on 127.0.0.1 port " + taken.getLocalPort()
                    + ": the port is already in use", e.getMessage());
        }
        server = EdgeServer.start(config());
        assertTrue(server.messagePort() > 0, "the directories were released: a second start works");
    }
}
