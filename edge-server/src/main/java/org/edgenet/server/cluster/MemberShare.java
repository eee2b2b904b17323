package org.edgenet.server.cluster;

/**
 * One member of the cluster as the dashboard shows it. A plain record: naming it loads nothing of
 * the cluster library.
 *
 * @param address its Hazelcast member address, {@code host:port}
 * @param here    true for the member of the server that answers
 * @param devices devices joined through its server now
 */
public record MemberShare(String address, boolean here, int devices) {
}
