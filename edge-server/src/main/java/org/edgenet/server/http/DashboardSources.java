package org.edgenet.server.http;

import org.edgenet.server.cluster.MemberShare;
import org.edgenet.server.service.ActiveDevice;
import org.edgenet.server.service.DeviceRegistry;
import org.edgenet.server.service.FileDataStore;
import org.edgenet.server.service.StoredFile;

import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the running server shows on its dashboard.
 *
 * @param commandCount total commands handled since the start
 * @param memberShares the cluster's members with their devices; empty when the server runs alone
 */
public record DashboardSources(DeviceRegistry registry, RecentActivity activity, FileDataStore data,
                               LongSupplier commandCount, Supplier<List<MemberShare>> memberShares)
        implements LiveFeed.Sources {
    @Override
    public List<MemberShare> members() {
        return memberShares.get();
    }

    @Override
    public List<ActiveDevice> joined() {
        return registry.active();
    }

    @Override
    public List<StoredFile> storedFiles(int max) throws IOException {
        return data.storedFiles(max);
    }

    @Override
    public long commands() {
        return commandCount.getAsLong();
    }
}
