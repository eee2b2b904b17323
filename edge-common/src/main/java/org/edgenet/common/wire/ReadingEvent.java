package org.edgenet.common.wire;

/**
 * A user event fired from the head of a pipeline when the channel stops or starts being read on
 * purpose (back-pressure), so that a timer measuring the peer's silence, such as the
 * {@link FrameDecoder}'s mid-frame gap, does not count time in which the peer could not be heard.
 */
public enum ReadingEvent {
    /** The channel is not read until {@link #RESUMED}. */
    PAUSED,
    /** The channel is read again. */
    RESUMED
}
