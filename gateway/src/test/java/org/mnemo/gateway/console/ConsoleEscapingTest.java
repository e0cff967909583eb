package org.mnemo.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;
import org.openqa.selenium.By;

/**
 * Names and texts are data, never markup: a library, collection, item, chunk and token named like script are shown
 * as the characters they are on every page that shows them, and none of them runs.
 */
class ConsoleEscapingTest {
    private static final String IMG = "<img src=x onerror=window.__pwned=1>";
    private static final String SCRIPT = "<script>window.__pwned=2</script>";
    private static final String TEXT = "The zebra quartz protocol " + SCRIPT + " rotates keys " + IMG + " weekly.";

    private static TestGateway gw;
    private static Browser browser;
    private static String token;
    private static String library;
    private static String libraryName;
    private static String item;

    @BeforeAll
    static void start() {
        gw = TestGateway.get();
        browser = Browser.start(gw.url(""));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        token = gw.user("hostile-" + suffix);
        libraryName = IMG + " " + suffix;
        library = gw.post(
                        "/library/api/libraries/",
                        token,
                        Map.of("name", libraryName, "library_type", "technical", "description", SCRIPT))
                .json()
                .path("uid")
                .asText();
        item = gw.post(
                        "/library/api/items/",
                        token,
                        Map.of(
                                "library_uid",
                                library,
                                "title",
                                IMG,
                                "collection",
                                "<svg onload=window.__pwned=3>",
                                "text",
                                TEXT))
                .json()
                .path("item_uid")
                .asText();
        assertThat(item).isNotBlank();
        assertThat(gw.post("/api/tokens/", token, Map.of("name", SCRIPT)).status())
                .isEqualTo(201);
        browser.signIn(token, false);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    private void shows(String route, By ready, String... literals) {
        browser.open(route);
        browser.waitFor(ready);
        assertThat(browser.pageText()).as(route).contains(literals);
        assertThat(browser.pwned()).as(route).isNull();
        assertThat(browser.driver.findElements(By.cssSelector("main img, main script, main svg")))
                .as(route)
                .isEmpty();
    }

    @Test
    void hostileNamesAndTextsAreShownAsTextAndNeverRun() {
        shows("libraries", By.cssSelector("table.libraries"), libraryName);
        browser.screenshot("hostile-libraries");
        shows(
                "library/" + library,
                By.cssSelector("table.collections"),
                libraryName,
                SCRIPT,
                "<svg onload=window.__pwned=3>");
        browser.driver.findElement(By.linkText("<svg onload=window.__pwned=3>")).click();
        browser.waitFor(By.cssSelector("table.items"));
        assertThat(browser.pageText()).contains(IMG);
        assertThat(browser.pwned()).isNull();
        shows("item/" + item, By.cssSelector("table.chunks"), IMG, SCRIPT);
        String chunk = gw.get("/library/api/items/" + item + "/chunks/", token)
                .json()
                .path("results")
                .get(0)
                .path("chunk_uid")
                .asText();
        shows("chunk/" + chunk, By.cssSelector(".chunk-text"), TEXT, IMG);
        shows("jobs", By.cssSelector("table.jobs"), IMG);
        shows("tokens", By.cssSelector("table.tokens"), SCRIPT);

        browser.open("search");
        browser.waitFor(By.id("q")).sendKeys("zebra quartz protocol");
        browser.driver
                .findElement(By.cssSelector("#search-form button[type=submit]"))
                .click();
        browser.waitFor(By.cssSelector("#results .result"));
        assertThat(browser.pageText()).contains(TEXT, IMG);
        assertThat(browser.pwned()).isNull();
        browser.screenshot("hostile-search");
    }

    @Test
    void thePolicyStopsScriptThatSlipsIntoThePage() {
        browser.open("search");
        browser.waitFor(By.id("q"));
        browser.consoleMessages();
        // As if escaping had failed: markup with an inline handler and an inline script, put in as HTML.
        browser.script(
                "const div = document.createElement('div'); div.innerHTML = arguments[0]; "
                        + "document.body.append(div); const s = document.createElement('script'); "
                        + "s.textContent = 'window.__pwned = 4'; document.body.append(s);",
                IMG);
        browser.waiting(java.time.Duration.ofSeconds(5))
                .until(d -> browser.script("return document.querySelector('img[src=x]') !== null"));
        assertThat(browser.pwned()).isNull();
        // The browser says why: the policy refused the inline handler and the inline script.
        assertThat(browser.consoleMessages()).anyMatch(m -> m.contains("Content Security Policy"));
    }
}
