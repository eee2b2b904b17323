package org.edgenet.server.service;

import java.time.Clock;
import java.time.ZoneId;

/**
 * The services a connection's handlers use, handed over as one value.
 *
 * @param credentials who may join
 * @param guard       failed-login counting and blocking
 * @param registry    the active devices
 * @param data        uploaded files
 * @param clock       source of timestamps shown to devices
 * @param zone        zone of those timestamps
 * @param messages    messages left for devices (MSG, RDM)
 */
public record Services(CredentialStore credentials, LoginGuard guard, DeviceRegistry registry, DataStore data,
                       Clock clock, ZoneId zone, MessageStore messages) {
}
