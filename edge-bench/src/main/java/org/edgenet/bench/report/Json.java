package org.edgenet.bench.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The little JSON writer results.json needs: objects, arrays, strings and numbers, indented two
 * spaces a level so that a diff of two runs reads line by line. Not worth a library.
 */
final class Json {
    private final StringBuilder sb = new StringBuilder();
    /** Per open container: true until its first element is written. */
    private final Deque<Boolean> first = new ArrayDeque<>();
    private boolean afterKey;

    Json open(char bracket) {
        element();
        sb.append(bracket);
        first.push(true);
        return this;
    }

    Json close(char bracket) {
        boolean empty = first.pop();
        if (!empty) {
            newline();
        }
        sb.append(bracket);
        return this;
    }

    Json key(String name) {
        element();
        quote(name);
        sb.append(": ");
        afterKey = true;
        return this;
    }

    Json string(String value) {
        element();
        if (value == null) {
            sb.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    /** A number; NaN and infinities, which JSON cannot hold, become null. */
    Json number(double value) {
        element();
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            sb.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            sb.append((long) value);
        } else {
            sb.append(String.format(Locale.ROOT, "%.6g", value).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                    .replaceFirst("\\.(e|$)", "$1"));
        }
        return this;
    }

    Json nullValue() {
        element();
        sb.append("null");
        return this;
    }

    String text() {
        return sb.toString();
    }

    /** Before a value or key: the comma and line break, unless a key just opened the slot. */
    private void element() {
        if (afterKey) {
            afterKey = false;
            return;
        }
        if (first.isEmpty()) {
            return;
        }
        if (!first.pop()) {
            sb.append(',');
        }
        first.push(false);
        newline();
    }

    private void newline() {
        sb.append('\n').append("  ".repeat(first.size()));
    }

    private void quote(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
