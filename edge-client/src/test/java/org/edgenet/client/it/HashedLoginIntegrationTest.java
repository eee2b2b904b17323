package org.edgenet.client.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.DeviceName;
import org.edgenet.common.message.LoginStatus;
import org.edgenet.server.SecuritySettings;
import org.edgenet.server.service.Argon2Hashes;
import org.edgenet.server.service.CredentialsFileEditor;
import org.edgenet.server.service.WatchedCredentialStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A real server with a hashed credentials line, changed on disk while it runs. */
class HashedLoginIntegrationTest {
    private static final DeviceName SENSOR = DeviceName.of("new-sensor");

    @TempDir
    Path dir;

    @Test
    void aDeviceLogsInWithItsHashedPasswordAndWithTheNewOneAfterTheFileChanges() throws Exception {
        List<String> credentials = List.of("supersmartwatch comp9331", "new-sensor " + Argon2Hashes.hash("S3cret pass"));
        Logger logger = (Logger) LoggerFactory.getLogger(WatchedCredentialStore.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        try (LiveServer live = new LiveServer(dir, credentials, b -> b.security(SecuritySettings.defaults()
                .withCredentialsPoll(Duration.ofMillis(100))))) {
            EdgeClient c = await(live.connect());
            assertEquals(LoginStatus.INVALID_PASSWORD, await(c.login(SENSOR, "S3cret")), "a wrong password");
            assertEquals(LoginStatus.UNKNOWN_DEVICE, await(c.login(DeviceName.of("nobody"), "x")), "an unknown name");
            assertEquals(LoginStatus.WELCOME, await(c.login(SENSOR, "S3cret pass")), "the hashed password");
            c.close();

            CredentialsFileEditor.set(live.config.credentialsFile(), SENSOR, Argon2Hashes.hash("n3w pass"));
            LiveServer.eventually("the server reads the changed file", () -> {
                synchronized (appender) {
                    return appender.list.stream().anyMatch(e -> e.getFormattedMessage().endsWith(
                            ": 0 added, 0 removed, 1 changed (new-sensor); 2 devices"));
                }
            });

            EdgeClient again = await(live.connect());
            assertEquals(LoginStatus.INVALID_PASSWORD, await(again.login(SENSOR, "S3cret pass")), "the old one");
            assertEquals(LoginStatus.WELCOME, await(again.login(SENSOR, "n3w pass")), "the new one, no restart");
        } finally {
            logger.detachAppender(appender);
        }
    }
}
