package org.edgenet.common.message;

/**
 * What the server tells a device without being asked. A notice answers no request, so a device
 * hands it to its listener whatever request is in flight.
 */
public sealed interface Notice extends Message permits MessageArrived, MessagesWaiting, ExposureNotice {
}
