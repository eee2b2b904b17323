package org.edgenet.server.cli;

import org.edgenet.common.cli.StartupException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The server's settings file: {@code key=value} lines whose keys are the long options without their
 * dashes ({@code idle-timeout-seconds=600} is {@code --idle-timeout-seconds 600}). Its values become
 * picocli's defaults, so the command line wins over the file and the file over the built-in
 * defaults. Every key and value is checked before the server starts, with the option's own
 * converter; the first problem stops the start with the file, the key and the reason in one line.
 */
final class ConfigFile {
    /** Read when present and no {@code --config} is given; relative to the working directory. */
    static final Path DEFAULT = Path.of("config", "edge-server.properties");
    /** Options that are no settings: a file naming another file, or asking for help, makes no sense. */
    private static final Set<String> NOT_SETTINGS = Set.of("config", "help", "version");

    private ConfigFile() {
    }

    /** The file to read: the one given, which must exist, else the default when it exists. */
    static Optional<Path> choose(Path given) throws StartupException {
        if (given == null) {
            return Files.isRegularFile(DEFAULT) ? Optional.of(DEFAULT) : Optional.empty();
        }
        if (!Files.exists(given)) {
            throw new StartupException("Config file " + given + " does not exist");
        }
        return Optional.of(given);
    }

    /** The keys a file may hold: every long option of {@code spec} but those of {@link #NOT_SETTINGS}. */
    static Set<String> keys(CommandSpec spec) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String key = key(o);
            if (!NOT_SETTINGS.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String key(OptionSpec o) {
        return o.longestName().replaceFirst("^-+", "");
    }

    /**
     * Reads {@code file} and checks every entry against the options of {@code spec}; each value is
     * converted by a fresh command line from {@code parser}, exactly as if it had been typed.
     *
     * @return the settings, values stripped of surrounding white space
     * @throws StartupException {@code Config file F, key K: reason} for the first bad entry
     */
    static Properties load(Path file, CommandSpec spec, Supplier<CommandLine> parser) throws StartupException {
        Properties raw = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            raw.load(r);
        } catch (NoSuchFileException e) {
            throw new StartupException("Config file " + file + " does not exist", e);
        } catch (MalformedInputException e) {
            throw new StartupException("Config file " + file + " is not valid UTF-8", e);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\u escape.
            throw new StartupException("Cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Set<String> keys = keys(spec);
        Properties checked = new Properties();
        for (String key : new TreeSet<>(raw.stringPropertyNames())) {
            if (!keys.contains(key)) {
                throw new StartupException(where(file, key) + "unknown key (the keys are the long options without"
                        + " their dashes; see --help)");
            }
            String value = raw.getProperty(key).strip();
            if (value.isEmpty()) {
                // An empty path would be the working directory: surely not what was meant.
                throw new StartupException(where(file, key) + "no value (leave the key out for its default)");
            }
            try {
                parser.get().parseArgs("--" + key, value);
            } catch (ParameterException e) {
                throw new StartupException(where(file, key) + reason(e), e);
            }
            checked.setProperty(key, value);
        }
        return checked;
    }

    private static String where(Path file, String key) {
        return "Config file " + file + ", key " + key + ": ";
    }

    /** The converter's own sentence when it refused the value, else picocli's. */
    static String reason(ParameterException e) {
        return e.getCause() instanceof TypeConversionException t ? t.getMessage() : e.getMessage();
    }
}
