package org.mnemo.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The console in a real browser against a real gateway on an embedded Neo4j: what an operator does, asserted on
 * what the page shows. Also writes the screenshots of docs/console.md.
 */
class ConsoleBrowserTest {
    private static final String HANDBOOK = """
            Backups are taken every night at two o'clock. The nightly backup copies the Neo4j store to the backup \
            volume and keeps the last seven days, so a restore can go back a week.""";

    private static TestGateway gw;
    private static Browser browser;
    private static String token;
    private static String library;
    private static String libraryName;

    @BeforeAll
    static void start() {
        gw = TestGateway.get();
        browser = Browser.start(gw.url(""));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String user = "console-" + suffix;
        token = gw.user(user);
        gw.grant("ws-console-" + suffix, user, "owner");
        libraryName = "Operations handbook " + suffix;
        library = gw.post(
                        "/library/api/libraries/",
                        token,
                        Map.of(
                                "name",
                                libraryName,
                                "library_type",
                                "technical",
                                "description",
                                "How the service is run"))
                .json()
                .path("uid")
                .asText();
        assertThat(gw.post(
                                "/library/api/items/",
                                token,
                                Map.of(
                                        "library_uid",
                                        library,
                                        "title",
                                        "Backups",
                                        "collection",
                                        "Runbooks",
                                        "text",
                                        HANDBOOK))
                        .status())
                .isEqualTo(201);
        assertThat(gw.post(
                                "/api/memory/memories/",
                                token,
                                Map.of("content", "The on-call rota changes on " + "Mondays.", "kind", "fact"))
                        .status())
                .isIn(200, 201);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void freshTab() {
        browser.driver.get(gw.url("/ui/"));
        browser.script("sessionStorage.clear()");
    }

    @Test
    void signingInWithATokenOpensTheConsole() {
        browser.open("");
        browser.waitFor(By.id("token")).sendKeys(token);
        browser.screenshot("sign-in");
        browser.driver.findElement(By.cssSelector("#signin button")).click();
        browser.waitFor(By.id("search-form"));
        assertThat(browser.driver.findElement(By.id("nav")).getText())
                .contains("Search", "Libraries", "Tokens", "Sign out")
                .doesNotContain("Users");
        assertThat(browser.script("return sessionStorage.getItem('mnemo.token')"))
                .isEqualTo(token);
        assertThat(browser.script("return document.cookie")).isEqualTo("");
    }

    @Test
    void aWrongTokenIsRefusedWithAClearError() {
        browser.open("");
        browser.waitFor(By.id("token")).sendKeys("mnemo_not-a-real-token-0000000000");
        browser.driver.findElement(By.cssSelector("#signin button")).click();
        WebElement error = browser.waitFor(By.cssSelector("#signin-status .status.error"));
        assertThat(error.getText()).contains("401 token_unknown", "did not accept this token");
        assertThat(browser.script("return sessionStorage.getItem('mnemo.token')"))
                .isNull();
        assertThat(browser.driver.findElement(By.id("nav")).getText()).isEmpty();
    }

    @Test
    void searchShowsEachLegsRankAndRawScoreAndOpensTheChunk() {
        browser.signIn(token, false);
        browser.open("search");
        browser.waitFor(By.id("q")).sendKeys("nightly backup");
        new Select(browser.driver.findElement(By.name("library_uid"))).selectByValue(library);
        browser.driver
                .findElement(By.cssSelector("#search-form button[type=submit]"))
                .click();
        WebElement first = browser.waitFor(By.cssSelector("#results .result"));
        assertThat(browser.driver
                        .findElement(By.cssSelector("#results .summary"))
                        .getText())
                .matches("\\d+ results? in \\d+ ms · legs vector, fulltext · .*");
        assertThat(first.getText()).contains("Backups", "Backups are taken every night");
        List<String> legs = first.findElements(By.cssSelector("table.legs tbody tr")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(legs)
                .anyMatch(row -> row.matches("vector 1 0\\.\\d{4}"))
                .anyMatch(row -> row.matches("fulltext 1 1\\.0000"));
        first.findElement(By.xpath(".//button[text()='Concept neighbours']")).click();
        browser.waitFor(By.cssSelector("#results .result .neighbours :is(table, p)"));
        browser.screenshot("search");

        first.findElement(By.linkText("Open chunk")).click();
        assertThat(browser.waitFor(By.cssSelector(".chunk-text")).getText()).isEqualTo(HANDBOOK);
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Chunk 0 of Backups");
        browser.waitFor(By.cssSelector(".neighbours :is(table, p)"));
        browser.screenshot("chunk");
    }

    @Test
    void theBrowserWalksLibrariesToChunksAndDeletesAnItem() {
        String doomed = gw.post(
                        "/library/api/items/",
                        token,
                        Map.of(
                                "library_uid",
                                library,
                                "title",
                                "Old pager " + "policy",
                                "collection",
                                "Runbooks",
                                "text",
                                "Pagers were retired in 2019."))
                .json()
                .path("item_uid")
                .asText();
        browser.signIn(token, false);
        browser.open("libraries");
        browser.waitFor(By.linkText(libraryName)).click();
        browser.waitFor(By.linkText("Runbooks")).click();
        browser.waitFor(By.linkText("Old pager policy"));
        browser.screenshot("collection");
        browser.driver.findElement(By.linkText("Backups")).click();
        WebElement chunks = browser.waitFor(By.cssSelector("table.chunks"));
        assertThat(chunks.getText()).contains("Backups are taken every night");
        browser.screenshot("browser");

        browser.open("item/" + doomed);
        browser.waitFor(By.xpath("//button[text()='Delete item']")).click();
        browser.driver.switchTo().alert().accept();
        assertThat(browser.waitFor(By.cssSelector("table.items")).getText())
                .contains("Backups")
                .doesNotContain("Old pager policy");
        assertThat(gw.get("/library/api/items/" + doomed + "/", token).status()).isEqualTo(404);
    }

    @Test
    void anUploadedFileIsFollowedUntilItsJobCompletes() throws Exception {
        Path file = Files.createTempDirectory("console-upload").resolve("restore-drill.md");
        Files.writeString(
                file,
                "# Restore drill\n\nOnce a quarter the on-call engineer restores last night's "
                        + "backup into a scratch database and runs the smoke searches against it.\n");
        browser.signIn(token, false);
        browser.open("ingest");
        new Select(browser.waitFor(By.name("library_uid"))).selectByValue(library);
        browser.driver.findElement(By.name("collection")).sendKeys("Drills");
        browser.driver.findElement(By.id("file")).sendKeys(file.toString());
        browser.driver
                .findElement(By.cssSelector("#upload-form button[type=submit]"))
                .click();
        browser.waitForText(By.cssSelector("#job .job-status"), "completed", Duration.ofSeconds(90));
        assertThat(browser.driver.findElement(By.id("job")).getText()).contains("restore-drill (md)", "chunks 1");
        browser.screenshot("ingest");
        browser.driver.findElement(By.linkText("Open the item")).click();
        assertThat(browser.waitFor(By.cssSelector("table.chunks")).getText()).contains("Once a quarter");
    }

    @Test
    void anS3KeyIsIngestedFromTheConsole() {
        String key = "console-" + UUID.randomUUID() + "/failover.md";
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(
                    b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key),
                    RequestBody.fromString(
                            "# Failover\n\n"
                                    + "When the primary region fails, traffic moves to the standby region within five minutes."));
        }
        String uid = gw.post(
                        "/library/api/libraries/",
                        gw.daedalus,
                        Map.of("name", "Runbooks " + UUID.randomUUID(), "library_type", "technical"))
                .json()
                .path("uid")
                .asText();
        browser.signIn(gw.daedalus, false);
        browser.open("ingest");
        new Select(browser.waitFor(By.cssSelector("#s3-form select[name=library_uid]"))).selectByValue(uid);
        browser.driver.findElement(By.id("s3-key")).sendKeys(key);
        browser.driver
                .findElement(By.cssSelector("#s3-form input[name=source]"))
                .sendKeys("daedalus");
        browser.driver
                .findElement(By.cssSelector("#s3-form button[type=submit]"))
                .click();
        browser.waitForText(By.cssSelector("#job .job-status"), "completed", Duration.ofSeconds(90));
        assertThat(browser.driver.findElement(By.id("job")).getText()).contains("failover.md (md)", "chunks 1");
    }

    @Test
    void aTokenIsCreatedShownOnceListedMaskedAndRevoked() {
        browser.signIn(token, false);
        browser.open("tokens");
        browser.waitFor(By.id("token-name")).sendKeys("notebook");
        browser.driver.findElement(By.name("allowed_tools")).sendKeys("search, get_chunk");
        browser.driver
                .findElement(By.cssSelector("#token-form button[type=submit]"))
                .click();
        String secret = browser.waitFor(By.cssSelector(".new-secret")).getText();
        assertThat(secret).startsWith("mnemo_");
        assertThat(gw.post("/library/api/search/", secret, Map.of("query", "backup"))
                        .status())
                .isEqualTo(200);

        WebElement row = browser.waitFor(By.xpath("//table[@class='tokens']//tr[td[1]='notebook']"));
        String masked = row.findElement(By.cssSelector("code.masked")).getText();
        assertThat(secret).startsWith(masked.replace("…", ""));
        assertThat(masked.length()).isLessThan(16);
        assertThat(browser.driver.findElement(By.cssSelector("table.tokens")).getText())
                .doesNotContain(secret);
        assertThat(row.getText()).contains("search, get_chunk");
        browser.screenshot("tokens");

        row.findElement(By.xpath(".//button[text()='Revoke']")).click();
        browser.driver.switchTo().alert().accept();
        browser.waitForText(By.xpath("//table[@class='tokens']//tr[td[1]='notebook']"), "revoked");
        assertThat(gw.post("/library/api/search/", secret, Map.of("query", "backup"))
                        .code())
                .isEqualTo("token_revoked");
    }

    @Test
    void memoryShowsTheWorkspacesNamespacesFindsAMemoryAndForgetsIt() {
        browser.signIn(token, false);
        browser.open("memory");
        browser.waitForText(By.id("namespaces"), "role owner");
        browser.driver.findElement(By.name("query")).sendKeys("on-call rota");
        browser.driver
                .findElement(By.cssSelector("#memory-form button[type=submit]"))
                .click();
        assertThat(browser.waitFor(By.cssSelector("table.memories")).getText())
                .contains("The on-call rota changes on Mondays.");
        browser.screenshot("memory");
        browser.driver
                .findElement(By.xpath("//table[@class='memories']//button[text()='Forget']"))
                .click();
        browser.driver.switchTo().alert().accept();
        browser.waitForText(By.id("page-memory"), "Forgotten.");
        browser.waiting(Duration.ofSeconds(10))
                .until(d -> !browser.driver
                        .findElement(By.id("memories"))
                        .getText()
                        .contains("The on-call rota changes on Mondays."));
    }

    @Test
    void theAdminsPagesRenderWithoutErrorsOrPolicyViolations() {
        String team = "Research agents " + UUID.randomUUID().toString().substring(0, 8);
        assertThat(gw.post(
                                "/mcp_server/api/teams/",
                                TestGateway.ADMIN_TOKEN,
                                Map.of("id", UUID.randomUUID().toString(), "name", team))
                        .status())
                .isEqualTo(201);
        browser.signIn(TestGateway.ADMIN_TOKEN, true);
        browser.consoleMessages();
        for (String page : List.of("users", "teams", "jobs", "health", "libraries")) {
            browser.open(page);
            browser.waitFor(By.cssSelector("#page-" + page + " table"));
            assertThat(browser.driver.findElements(By.cssSelector(".status.error")))
                    .as(page)
                    .isEmpty();
            browser.screenshot(page);
        }
        assertThat(browser.driver.findElement(By.id("nav")).getText()).contains("Users");
        browser.open("teams");
        assertThat(browser.waitFor(By.cssSelector("table.teams")).getText()).contains(team, "active");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }
}
