package org.edgenet.common.trace;

/** Why a beacon was not kept. */
public enum BeaconFault {
    WRONG_LENGTH("not 59 bytes"),
    BAD_TEMP_ID("the TempID is not 20 digits"),
    BAD_TIME("a time is not a valid dd/MM/yyyy HH:mm:ss"),
    UNKNOWN_VERSION("unknown protocol version"),
    START_AFTER_EXPIRY("the start time is after the expiry time"),
    EXPIRED("expired"),
    NOT_YET_VALID("not valid yet");

    private final String text;

    BeaconFault(String text) {
        this.text = text;
    }

    /** A few words for the console and the log. */
    public String text() {
        return text;
    }
}
