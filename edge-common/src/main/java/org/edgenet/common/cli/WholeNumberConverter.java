package org.edgenet.common.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.temporal.ValueRange;
import java.util.regex.Pattern;

/**
 * Converts an argument that must be a whole number within bounds. Only plain decimal digits with an
 * optional sign pass: no "2.5", no "0x10", no spaces. Anything else is refused with the command's own
 * one-line message, which {@link CommandLines} prints alone. A subclass per argument names the bounds
 * and the message, in which {@code %s} stands for what the user typed.
 */
public abstract class WholeNumberConverter implements ITypeConverter<Integer> {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d{1,9}");

    private final ValueRange range;
    private final String refusal;

    protected WholeNumberConverter(int min, int max, String refusal) {
        this.range = ValueRange.of(min, max);
        this.refusal = refusal;
    }

    @Override
    public Integer convert(String text) {
        if (DECIMAL.matcher(text).matches()) {
            int n = Integer.parseInt(text);
            if (range.isValidValue(n)) {
                return n;
            }
        }
        throw new TypeConversionException(refusal.replace("%s", text));
    }
}
