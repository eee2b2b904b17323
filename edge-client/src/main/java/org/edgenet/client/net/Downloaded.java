package org.edgenet.client.net;

import org.edgenet.common.format.FileId;

import java.nio.file.Path;

/**
 * A download (DLD) that is in place: its size and SHA-256 matched what the server announced.
 *
 * @param fileId   the file asked for
 * @param file     where it now is
 * @param bytes    its size
 * @param replaced true when a file of that name was there before and has been replaced
 */
public record Downloaded(FileId fileId, Path file, long bytes, boolean replaced) {
}
