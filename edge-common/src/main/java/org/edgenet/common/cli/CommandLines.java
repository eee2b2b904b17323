package org.edgenet.common.cli;

import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Function;

/**
 * What the server's and the client's command lines share: every problem is one line on standard
 * error and a non-zero exit code, never a usage dump or a stack trace, and {@code --version} names
 * the program and the version in its jar's manifest.
 */
public final class CommandLines {
    /** Exit code of a value that is refused or a start that fails; picocli's 2 stays for unknown options. */
    public static final int FAILED = 1;

    private CommandLines() {
    }

    /**
     * The command line of {@code command}, a picocli {@code @Command} with standard help options.
     *
     * @param product    what {@code --version} calls the program, e.g. {@code EdgeNet server}
     * @param unexpected the line for a failure that is not a {@link StartupException}; it may log the
     *                   failure first where the log is not the console
     */
    public static CommandLine create(Object command, String product, Function<Exception, String> unexpected) {
        CommandLine cmd = new CommandLine(command);
        String version = command.getClass().getPackage().getImplementationVersion();
        cmd.getCommandSpec().version(product + " " + (version == null ? "dev" : version));
        cmd.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            if (e.getCause() instanceof TypeConversionException refused) {
                c.getErr().println(refused.getMessage());
                c.getErr().flush();
                return FAILED;
            }
            c.getErr().println(e.getMessage() + " (see --help)");
            c.getErr().flush();
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println(e instanceof StartupException ? e.getMessage() : unexpected.apply(e));
            c.getErr().flush();
            return FAILED;
        });
        return cmd;
    }

    /**
     * A value that may be given as a positional argument or as an option: the one given, or null
     * when neither is. Both may be given if they agree.
     *
     * @param what names the value in the message, e.g. {@code server port}
     * @throws StartupException {@code The server port is given twice, as 4000 and 4001}
     */
    public static <T> T positionalOrOption(T positional, T option, String what) throws StartupException {
        if (positional != null && option != null && !positional.equals(option)) {
            throw new StartupException("The " + what + " is given twice, as " + positional + " and " + option);
        }
        return positional != null ? positional : option;
    }
}
