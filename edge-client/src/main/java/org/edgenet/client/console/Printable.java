package org.edgenet.client.console;

/**
 * Makes text from other devices safe to print: a message may come from any 0xAE73 client, and
 * control characters (an escape sequence, a carriage return) or direction overrides in it could
 * rewrite what the terminal shows. Each such character is shown as U+FFFD; a tab as a space.
 */
final class Printable {
    private Printable() {
    }

    static String of(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char shown = c == '\t' ? ' ' : unsafe(c) ? '\uFFFD' : c;
            if (shown != c && b == null) {
                b = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (b != null) {
                b.append(shown);
            }
        }
        return b == null ? text : b.toString();
    }

    private static boolean unsafe(char c) {
        return Character.isISOControl(c)
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
