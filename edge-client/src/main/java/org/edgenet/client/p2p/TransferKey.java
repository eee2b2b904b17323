package org.edgenet.client.p2p;

import java.net.InetSocketAddress;

/** An incoming transfer's name: the presenter's random id and where its datagrams come from. */
record TransferKey(InetSocketAddress presenter, long id) {
}
