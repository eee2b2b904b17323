package org.edgenet.client.p2p;

import java.util.concurrent.Executor;

/**
 * What every transfer of one {@link PeerNode} shares.
 *
 * @param options time-outs and windows
 * @param disk    file reads and writes, never on an event loop
 * @param events  the console's ear
 * @param drops   bad datagrams, counted per reason
 */
record PeerContext(PeerOptions options, Executor disk, TransferEvents events, DropCounter drops) {
}
