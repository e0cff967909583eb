package org.mnemo.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mnemo.gateway.rest.TestGateway;

/** What the gateway sends with the console's files: the policy that forbids inline script, framing and sniffing. */
class ConsoleHeadersTest {
    private final TestGateway gw = TestGateway.get();

    @Test
    void everyConsoleFileCarriesTheStrictPolicy() {
        for (String path :
                new String[] {"/ui", "/ui/", "/ui/index.html", "/ui/app.js", "/ui/pages/search.js", "/ui/console.css"
                }) {
            TestGateway.Response response = gw.get(path, null);
            assertThat(response.status()).as(path).isEqualTo(200);
            String policy = response.header("Content-Security-Policy");
            assertThat(policy)
                    .as(path)
                    .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*");
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(response.header("Set-Cookie")).isNull();
        }
        assertThat(gw.get("/ui/app.js", null).header("Content-Type")).contains("javascript");
        assertThat(gw.get("/ui/", null).raw().body())
                .contains("<script type=\"module\" src=\"/ui/app.js\">")
                .doesNotContain("onload", "<style");
    }

    @Test
    void onlyTheConsolesOwnFilesAreServed() {
        assertThat(gw.get("/ui/nothing.js", null).status()).isEqualTo(404);
        assertThat(gw.get("/ui/../logback.xml", null).status()).isIn(400, 404);
        assertThat(gw.get("/ui/%2e%2e/logback.xml", null).status()).isIn(400, 404);
        assertThat(gw.get("/logback.xml", null).status()).isEqualTo(404);
    }
}
