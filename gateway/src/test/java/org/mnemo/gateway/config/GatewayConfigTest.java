package org.mnemo.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaults() {
        GatewayConfig config = GatewayConfig.from(Map.of());
        assertThat(config.httpHost()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.neo4jUri()).isNull();
        assertThat(config.daedalusKeys()).isEmpty();
        assertThat(config.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    }

    @Test
    void thePluginsTrustedModeIsOffUnlessBothSettingsAreGiven() throws Exception {
        assertThat(GatewayConfig.from(Map.of()).security().plugin()).isNull();
        String secret = "0123456789abcdef0123456789abcdef";
        GatewayConfig.Plugin plugin = GatewayConfig.from(
                        Map.of("MNEMO_PLUGIN_SECRET", secret, "MNEMO_PLUGIN_PRINCIPAL", "molecule"))
                .security()
                .plugin();
        assertThat(plugin.principal()).isEqualTo("molecule");
        // Only the hash is kept.
        assertThat(plugin.secretSha256())
                .isEqualTo(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_PLUGIN_SECRET", secret)))
                .hasMessageContaining("MNEMO_PLUGIN_PRINCIPAL");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_PLUGIN_PRINCIPAL", "molecule")))
                .hasMessageContaining("MNEMO_PLUGIN_SECRET");
        assertThatThrownBy(() -> GatewayConfig.from(
                        Map.of("MNEMO_PLUGIN_SECRET", "short", "MNEMO_PLUGIN_PRINCIPAL", "molecule")))
                .hasMessageContaining("MNEMO_PLUGIN_SECRET")
                .hasMessageContaining("32");
    }

    @Test
    void secretsComeFromFilesAsDockerMountsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path auth = java.nio.file.Files.writeString(dir.resolve("neo4j_auth"), "neo4j/a-long-password\n");
        java.nio.file.Path admin =
                java.nio.file.Files.writeString(dir.resolve("admin_token"), "admin-token-from-a-file-0123456789\n");
        GatewayConfig config = GatewayConfig.from(
                Map.of("MNEMO_NEO4J_AUTH_FILE", auth.toString(), "MNEMO_ADMIN_TOKEN_FILE", admin.toString()));
        // The same file as Neo4j's NEO4J_AUTH_FILE: user/password.
        assertThat(config.neo4jUser()).isEqualTo("neo4j");
        assertThat(config.neo4jPassword()).isEqualTo("a-long-password");
        assertThat(config.adminToken()).isEqualTo("admin-token-from-a-file-0123456789");
        java.nio.file.Path password = java.nio.file.Files.writeString(dir.resolve("pw"), "just-the-password");
        assertThat(GatewayConfig.from(Map.of("MNEMO_NEO4J_PASSWORD_FILE", password.toString()))
                        .neo4jPassword())
                .isEqualTo("just-the-password");

        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_NEO4J_AUTH_FILE", password.toString())))
                .hasMessageContaining("MNEMO_NEO4J_AUTH_FILE")
                .hasMessageContaining("user/password");
        assertThatThrownBy(() -> GatewayConfig.from(
                        Map.of("MNEMO_NEO4J_AUTH_FILE", auth.toString(), "MNEMO_NEO4J_PASSWORD", "another-password")))
                .hasMessageContaining("set one of them");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of(
                        "MNEMO_ADMIN_TOKEN",
                        "admin-token-0123456789abcdef",
                        "MNEMO_ADMIN_TOKEN_FILE",
                        admin.toString())))
                .hasMessageContaining("MNEMO_ADMIN_TOKEN_FILE");
        assertThatThrownBy(() -> GatewayConfig.from(
                        Map.of("MNEMO_ADMIN_TOKEN_FILE", dir.resolve("missing").toString())))
                .hasMessageContaining("MNEMO_ADMIN_TOKEN_FILE: cannot read");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_ADMIN_TOKEN_FILE", password.toString())))
                .hasMessageContaining("MNEMO_ADMIN_TOKEN must be at least 24 characters");
    }

    @Test
    void invalidValuesNameTheirVariable() {
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_HTTP_PORT", "80a")))
                .hasMessageContaining("MNEMO_HTTP_PORT");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_HTTP_PORT", "70000")))
                .hasMessageContaining("MNEMO_HTTP_PORT");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_MAX_BODY_BYTES", "12")))
                .hasMessageContaining("MNEMO_MAX_BODY_BYTES");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_ADMIN_TOKEN", "short")))
                .hasMessageContaining("MNEMO_ADMIN_TOKEN");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_DAEDALUS_JWT_KEYS", "k1:too-short")))
                .hasMessageContaining("MNEMO_DAEDALUS_JWT_KEYS")
                .hasMessageContaining("k1");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_DAEDALUS_JWT_KEYS", "no-colon")))
                .hasMessageContaining("MNEMO_DAEDALUS_JWT_KEYS");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_METRICS_ALLOW", "localhost")))
                .hasMessageContaining("MNEMO_METRICS_ALLOW");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_METRICS_ALLOW", "10.0.0.0/33")))
                .hasMessageContaining("MNEMO_METRICS_ALLOW");
    }

    @Test
    void mcpSettings() {
        GatewayConfig.Mcp defaults = GatewayConfig.from(Map.of()).mcp();
        assertThat(defaults.requireAuth()).isTrue();
        assertThat(defaults.allowedOrigins()).containsExactly("http://localhost:*", "http://127.0.0.1:*");
        assertThat(defaults.allowedHosts()).containsExactly("localhost:*", "127.0.0.1:*");
        GatewayConfig.Mcp open = GatewayConfig.from(Map.of(
                        "MNEMO_MCP_REQUIRE_AUTH",
                        "false",
                        "MNEMO_MCP_ALLOWED_HOSTS",
                        "*",
                        "MNEMO_MCP_ALLOWED_ORIGINS",
                        "https://app.example.com"))
                .mcp();
        assertThat(open.requireAuth()).isFalse();
        assertThat(open.allowedHosts()).isEmpty();
        assertThat(open.allowedOrigins()).containsExactly("https://app.example.com");
        assertThatThrownBy(() -> GatewayConfig.from(Map.of("MNEMO_MCP_REQUIRE_AUTH", "maybe")))
                .hasMessageContaining("MNEMO_MCP_REQUIRE_AUTH");
    }

    @Test
    void daedalusKeysByKid() {
        GatewayConfig config = GatewayConfig.from(Map.of(
                "MNEMO_DAEDALUS_JWT_KEYS", "a:0123456789abcdef0123456789abcdef, b:fedcba9876543210fedcba9876543210xx"));
        assertThat(config.daedalusKeys()).containsOnlyKeys("a", "b");
        assertThat(config.daedalusKeys().get("b")).hasSize(34);
    }

    @Test
    void metricsAllowListMatchesCidrRanges() throws Exception {
        GatewayConfig config = GatewayConfig.from(Map.of("MNEMO_METRICS_ALLOW", "10.1.0.0/16, ::1, 192.168.1.7"));
        assertThat(config.metricsAllowed(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(config.metricsAllowed(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(config.metricsAllowed(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(config.metricsAllowed(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(config.metricsAllowed(InetAddress.getByName("::1"))).isTrue();
        assertThat(config.metricsAllowed(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(GatewayConfig.from(Map.of()).metricsAllowed(InetAddress.getByName("127.0.0.1")))
                .isTrue();
    }
}
