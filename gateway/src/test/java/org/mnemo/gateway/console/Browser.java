package org.mnemo.gateway.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its chromedriver, both named explicitly so that Selenium Manager never tries
 * to download a browser or driver (this network reaches none). Missing browser: the tests fail — CI installs it —
 * unless MNEMO_CONSOLE_SKIP or -Dmnemo.console.skip asks to skip them on a developer's machine (never with CI set).
 */
final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go: -Dmnemo.console.screenshots=../docs/console refreshes the documentation's. */
    private static final Path SHOTS =
            Path.of(System.getProperty("mnemo.console.screenshots", "target/console-screenshots"));

    final ChromeDriver driver;
    private final String base;
    private final Path profile;

    private Browser(ChromeDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    static Browser start(String base) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
            boolean skip = (Boolean.getBoolean("mnemo.console.skip") || System.getenv("MNEMO_CONSOLE_SKIP") != null)
                    && !"true".equals(System.getenv("CI"));
            Assumptions.assumeFalse(skip, "no Chromium here and MNEMO_CONSOLE_SKIP is set");
            throw new IllegalStateException("the console tests need " + CHROMIUM + " and " + DRIVER
                    + ": apt-get install -y chromium chromium-driver (or set MNEMO_CONSOLE_SKIP=1 to skip locally)");
        }
        try {
            Path profile = Files.createTempDirectory("mnemo-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // Without the networking switches Chromium waits on services it cannot reach from this closed network.
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--user-data-dir=" + profile);
            LoggingPreferences logs = new LoggingPreferences();
            logs.enable(LogType.BROWSER, Level.ALL);
            options.setCapability("goog:loggingPrefs", logs);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            return new Browser(driver, base, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a console page by its hash route ("search", "item/…"), or the sign-in page for "". */
    void open(String route) {
        driver.get(base + "/ui/#/" + route);
    }

    /** Signs in as the sign-in page would, without typing: the token goes into this tab's sessionStorage. */
    void signIn(String token, boolean admin) {
        driver.get(base + "/ui/");
        script(
                "sessionStorage.setItem('mnemo.token', arguments[0]); sessionStorage.setItem('mnemo.admin', "
                        + "arguments[1])",
                token,
                admin ? "yes" : "no");
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebElement waitFor(By by) {
        return waiting(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until an element shows this text, and returns it. */
    WebElement waitForText(By by, String text, Duration timeout) {
        waiting(timeout).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    WebElement waitForText(By by, String text) {
        return waitForText(by, text, Duration.ofSeconds(30));
    }

    WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(driver, timeout);
    }

    String pageText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** What a hostile string managed to set, or null when no injected script ran. */
    Object pwned() {
        return script("return window.__pwned === undefined ? null : String(window.__pwned)");
    }

    /** The browser's console messages since the last call (CSP violations show up here). */
    List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .toList();
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SHOTS);
            Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover profile in the temporary directory is harmless.
        }
    }
}
