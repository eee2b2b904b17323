package org.edgenet.common.message;

import io.netty.buffer.ByteBuf;

/**
 * Everything a device and the server say to each other over TCP. Each message knows its type and
 * writes its own body; {@link MessageType} knows how to read each body back.
 */
public sealed interface Message
        permits Login, LoginReply, RegisterUdp, Joined, ListActive, ActiveDevices, Leave, Left,
        UploadBegin, UploadChunk, UploadEnd, UploadAbort, Uploaded, Compute, Computed, Delete, Deleted,
        LookupPeer, Peer, Ticket, ErrorReply,
        PostMessage, MessagePosted, ReadMessages, MessageBatch, AckMessages, MessagesAcked, Notice,
        Download, DownloadBegin, DownloadChunk, DownloadEnd, DownloadCancel, DownloadCancelled,
        GetTempId, TempIdIssued, UploadContacts, ContactsReceived,
        KeepAlive {

    MessageType type();

    /** Writes the body (not the frame header) in network byte order. */
    void writeBody(ByteBuf out);
}
