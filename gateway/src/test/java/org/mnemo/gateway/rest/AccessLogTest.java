package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnemo.gateway.mcp.McpTestClients.call;
import static org.mnemo.gateway.mcp.McpTestClients.structured;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpSyncClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.config.GatewayConfig;
import org.mnemo.gateway.mcp.McpTestClients;
import org.mnemo.gateway.web.Json;
import org.slf4j.LoggerFactory;

/**
 * The gateway's packaged logback.xml as MNEMO_LOG_FORMAT selects it: an access line per request with the request
 * id, principal, route, status and duration, and never the bearer token.
 */
class AccessLogTest {
    private final TestGateway gw = TestGateway.get();

    @Test
    void withJsonLogsEachRequestIsOneJsonLineWithItsFieldsAndWithoutTheToken() throws IOException {
        String user = "logged-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gw.user(user);
        String requestId = "req-" + UUID.randomUUID();

        String log = captured("json", () -> {
            assertThat(gw.send("GET", "/library/api/libraries/", token, null, Map.of("X-Request-Id", requestId))
                            .status())
                    .isEqualTo(200);
            McpSyncClient mcp = McpTestClients.connect(gw.url(""), token);
            try {
                structured(call(mcp, "list_libraries", Map.of()));
            } finally {
                mcp.closeGracefully();
            }
            return null;
        });

        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.MAPPER.readTree(line)); // every line is one JSON object
            }
        }
        JsonNode http = lines.stream()
                .filter(l -> l.path("loggerName").asText().equals("org.mnemo.gateway.access")
                        && l.path("mdc").path("request_id").asText().equals(requestId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access line for " + requestId + " in\n" + log));
        JsonNode fields = http.path("mdc");
        assertThat(http.path("level").asText()).isEqualTo("INFO");
        assertThat(fields.path("principal").asText()).isEqualTo(user);
        assertThat(fields.path("method").asText()).isEqualTo("GET");
        assertThat(fields.path("route").asText()).isEqualTo("/library/api/libraries");
        assertThat(fields.path("status").asText()).isEqualTo("200");
        assertThat(Double.parseDouble(fields.path("duration_ms").asText())).isNotNegative();
        assertThat(http.path("timestamp").asLong()).isPositive();

        JsonNode tool = lines.stream()
                .filter(l -> l.path("mdc").path("tool").asText().equals("list_libraries")
                        && l.path("mdc").path("principal").asText().equals(user))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no MCP access line in\n" + log));
        assertThat(tool.path("mdc").path("route").asText()).isEqualTo("/mcp");
        assertThat(tool.path("mdc").path("status").asText()).isEqualTo("ok");
        assertThat(tool.path("mdc").path("request_id").asText()).isNotBlank();

        assertThat(log).doesNotContain(token).doesNotContainIgnoringCase("bearer");
    }

    @Test
    void withTextLogsTheAccessLineIsReadableAndWithoutTheToken() {
        String user = "logged-" + UUID.randomUUID().toString().substring(0, 8);
        String token = gw.user(user);
        String requestId = "req-" + UUID.randomUUID();

        String log = captured(
                "text",
                () -> gw.send("GET", "/library/api/libraries/", token, null, Map.of("X-Request-Id", requestId)));

        assertThat(log)
                .containsPattern("(?m)^\\S+ INFO  access - GET /library/api/libraries 200 [0-9.]+ ms \\(request "
                        + requestId + ", principal " + user + "\\)$");
        assertThat(log).doesNotContain(token);
    }

    @Test
    void anUnknownLogFormatOrAccessLevelStopsTheStart() {
        assertThatThrownBy(() -> TestGateway.config("bolt://127.0.0.1:7687", Map.of("MNEMO_LOG_FORMAT", "JSON")))
                .hasMessageContaining("MNEMO_LOG_FORMAT must be text or json, got 'JSON'");
        assertThatThrownBy(() -> TestGateway.config("bolt://127.0.0.1:7687", Map.of("MNEMO_ACCESS_LOG", "verbose")))
                .hasMessageContaining("MNEMO_ACCESS_LOG must be info, debug or off");
        assertThat(TestGateway.config(
                        "bolt://127.0.0.1:7687", Map.of("MNEMO_LOG_FORMAT", "json", "MNEMO_ACCESS_LOG", "off")))
                .isInstanceOf(GatewayConfig.class);
    }

    /**
     * What the gateway logs to stderr while {@code action} runs, with the packaged logback.xml configured for
     * {@code format} (as MNEMO_LOG_FORMAT would); the default configuration is put back afterwards.
     */
    private static String captured(String format, Supplier<?> action) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PrintStream stderr = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            configure(context, format);
            action.get();
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(stderr);
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException(e);
            }
            stderr.print(buffer.toString(StandardCharsets.UTF_8));
        }
    }

    private static void configure(LoggerContext context, String format) {
        context.reset();
        context.putProperty("MNEMO_LOG_FORMAT", format);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(AccessLogTest.class.getResource("/logback.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException(e);
        }
    }
}
