package org.edgenet.server.service;

/**
 * The services a connection's handlers use, handed over as one value.
 *
 * @param credentials who may join
 * @param guard       failed-login counting and blocking
 * @param registry    the active devices
 * @param data        uploaded files
 * @param messages    messages left for devices (MSG, RDM)
 * @param tracing     TempIDs and uploaded contact logs (TID, UCL)
 */
public record Services(CredentialStore credentials, LoginGuard guard, DeviceRegistry registry, DataStore data,
                       MessageStore messages, TracingService tracing) {
}
