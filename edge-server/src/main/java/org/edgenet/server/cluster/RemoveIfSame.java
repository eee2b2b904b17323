package org.edgenet.server.cluster;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Removes a presence entry only if it is still the one given: a device that left here must not
 * take away its own later join through another member. Answers true when it removed the entry.
 */
record RemoveIfSame(long order) implements EntryProcessor<String, Presence, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<String, Presence> entry) {
        Presence p = entry.getValue();
        if (p == null || p.order() != order) {
            return false;
        }
        entry.setValue(null);
        return true;
    }
}
