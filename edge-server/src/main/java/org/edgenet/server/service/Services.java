package org.edgenet.server.service;

import org.edgenet.server.metrics.ServerMetrics;

/**
 * The services a connection's handlers use, handed over as one value.
 *
 * @param credentials who may join
 * @param guard       failed-login counting and blocking
 * @param registry    the active devices
 * @param data        uploaded files
 * @param messages    messages left for devices (MSG, RDM)
 * @param tracing     TempIDs and uploaded contact logs (TID, UCL)
 * @param metrics     what the handlers count; {@link ServerMetrics#NONE} when metrics are off
 */
public record Services(CredentialStore credentials, LoginGuard guard, DeviceRegistry registry, DataStore data,
                       MessageStore messages, TracingService tracing, ServerMetrics metrics) {
    /** Services that count nothing. */
    public Services(CredentialStore credentials, LoginGuard guard, DeviceRegistry registry, DataStore data,
                    MessageStore messages, TracingService tracing) {
        this(credentials, guard, registry, data, messages, tracing, ServerMetrics.NONE);
    }
}
