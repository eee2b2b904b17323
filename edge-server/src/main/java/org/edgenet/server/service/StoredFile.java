package org.edgenet.server.service;

import org.edgenet.common.format.DeviceName;
import org.edgenet.common.format.FileId;

import java.util.Optional;

/**
 * A stored data file as the dashboard lists it.
 *
 * @param summary as its sidecar holds it; empty when the sidecar is missing or older than the file
 *                (maintenance rebuilds it)
 */
public record StoredFile(DeviceName device, FileId fileId, long bytes, Optional<ComputeStats> summary) {
}
