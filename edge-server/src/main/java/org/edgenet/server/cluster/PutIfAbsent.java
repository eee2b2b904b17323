package org.edgenet.server.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Puts a presence entry unless the name has one: the cluster-wide "already joined" check and the
 * join in one step, where the entry lives. Answers true when it put the entry.
 */
record PutIfAbsent(Presence presence) implements EntryProcessor<String, Presence, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<String, Presence> entry) {
        if (entry.getValue() != null) {
            return false;
        }
        entry.setValue(presence);
        return true;
    }
}
