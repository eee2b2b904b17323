package org.edgenet.client.it;

import org.edgenet.client.net.EdgeClient;
import org.edgenet.common.format.FileId;
import org.edgenet.server.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.edgenet.client.it.LiveServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) opens the page of a real server, real devices join, upload and delete,
 * and the page shows it all, charts included, without being reloaded.
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Where the test leaves its picture of the page, for docs/dashboard.png. */
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @TempDir
    Path dir;
    private LiveServer live;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The dashboard test needs Chromium: " + CHROMIUM + " or " + CHROMEDRIVER + " is missing. Run"
                    + " scripts/test.sh, which installs Debian's chromium and chromium-driver, or"
                    + " apt-get install -y chromium chromium-driver");
        }
        Path serverDir = Files.createDirectory(dir.resolve("server"));
        live = new LiveServer(serverDir, List.of("supersmartwatch comp9331", "fridge-07 coldpass1",
                "thermostat@hall warmpass2"), config -> config.http(HttpSettings.defaults().withPort(0)));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")), "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (live != null) {
            live.close();
        }
    }

    /** Waits until {@code condition} holds; on a time-out, says what the page showed instead. */
    private <T> T until(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(browser, WAIT).until(condition);
        } catch (TimeoutException e) {
            return fail("timed out waiting until " + what + "; the page shows:\n"
                    + browser.findElement(By.tagName("body")).getText());
        }
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private int points(String chart) {
        return Integer.parseInt(browser.findElement(By.id(chart)).getDomAttribute("data-points"));
    }

    private Path data(String name, String... lines) throws Exception {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    @Test
    void thePageShowsDevicesJoiningUploadingAndDeletingAndItsChartsMoveWithoutAReload() throws Exception {
        browser.get("http://127.0.0.1:" + live.server.httpPort() + "/");
        until("the feed is live", b -> "live".equals(text("status")));
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
        assertTrue(text("devices").contains("No device has joined."), text("devices"));

        EdgeClient watch = await(live.join("supersmartwatch", "comp9331", 5001));
        EdgeClient fridge = await(live.join("fridge-07", "coldpass1", 5002));
        until("both devices are listed", b -> text("devices").contains("supersmartwatch 127.0.0.1 5001")
                && text("devices").contains("fridge-07 127.0.0.1 5002"));
        until("the count says 2", b -> "2".equals(text("joined-count")));
        int before = points("cps-chart");

        await(watch.upload(FileId.of(1), data("w1.txt", "10", "-4", "7")));
        await(watch.upload(FileId.of(2), data("w2.txt", "1", "2", "3", "4")));
        await(fridge.upload(FileId.of(9), data("f9.txt", "-40", "-38")));
        await(fridge.delete(FileId.of(9)));
        EdgeClient thermostat = await(live.join("thermostat@hall", "warmpass2", 5003));
        await(thermostat.upload(FileId.of(4), data("t4.txt", "21", "22", "20", "23", "22")));
        await(thermostat.listActive());

        until("the uploads are listed", b -> text("uploads").contains("supersmartwatch 2 4")
                && text("uploads").contains("fridge-07 9 2") && text("uploads").contains("thermostat@hall 4 5"));
        until("the deletion is listed", b -> text("deletions").contains("fridge-07 9 2"));
        until("the stored files are listed with their summaries",
                b -> text("files").contains("supersmartwatch 1 8 3 13 -4 10 4.333333")
                        && text("files").contains("supersmartwatch 2 8 4 10 1 4 2.5")
                        && text("files").contains("thermostat@hall 4 15 5 108 20 23 21.6")
                        && !text("files").contains("fridge-07"));
        until("the third device is listed", b -> text("devices").contains("thermostat@hall 127.0.0.1 5003"));
        until("the joined chart reached 3", b -> "3".equals(browser.findElement(By.id("joined-chart"))
                .getDomAttribute("data-last")));
        until("the commands chart saw the commands", b -> Double.parseDouble(browser.findElement(By.id("cps-chart"))
                .getDomAttribute("data-max")) > 0);
        until("the charts took more points", b -> points("cps-chart") >= before + 3);
        assertEquals(1, browser.findElements(By.cssSelector("#cps-chart canvas")).size(), "uPlot drew the chart");
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;"),
                "the page was never reloaded");
        String page = browser.findElement(By.tagName("body")).getText();
        for (String secret : List.of("comp9331", "coldpass1", "warmpass2")) {
            assertFalse(page.contains(secret), "a password on the page");
        }

        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);

        await(thermostat.leave());
        until("a device that left is gone", b -> !text("devices").contains("thermostat@hall")
                && "2".equals(text("joined-count")));
    }
}
