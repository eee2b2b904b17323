package org.edgenet.common.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 that refuses bad bytes instead of replacing them, for text a peer or a file hands over:
 * what cannot be read exactly is refused, never stored changed.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** A decoder that reports malformed and unmappable input; one per thread, like any decoder. */
    public static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The text {@code bytes} hold, consuming them. */
    public static String decode(ByteBuffer bytes) throws CharacterCodingException {
        return decoder().decode(bytes).toString();
    }
}
