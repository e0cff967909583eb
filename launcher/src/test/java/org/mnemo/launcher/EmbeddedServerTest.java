package org.mnemo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnemo.embedded.Credentials;
import org.mnemo.embedded.EmbeddedServer;
import org.mnemo.gateway.client.MnemoClient;
import org.mnemo.gateway.client.Rows;

/** What ./mnemo serve starts, driven over real Bolt with the plugin jars from target/plugins. */
class EmbeddedServerTest {
    @TempDir
    Path data;

    @Test
    void servesOverBoltWithAuthenticationAndKeepsDataAcrossRestarts() throws IOException {
        Credentials.Password password = Credentials.resolve(data, null);
        assertThat(password.generated()).isTrue();
        assertThat(Files.readString(data.resolve("neo4j-password")).strip()).isEqualTo(password.value());
        int port = freePort();
        var settings =
                new EmbeddedServer.Settings(data, Path.of("target/plugins"), "127.0.0.1", port, password.value());
        String library;
        try (EmbeddedServer server = EmbeddedServer.start(settings);
                MnemoClient client = new MnemoClient(server.boltUri(), "neo4j", password.value())) {
            library = client.ensureLibrary("notes", "technical");
            var row = client.ingest(
                    library,
                    "Rotate the TLS certificates every ninety days.",
                    Map.of("title", "ops.md", "source_ref", "/docs/ops.md"));
            assertThat(row.status()).isEqualTo("created");
            try (MnemoClient wrong = new MnemoClient(server.boltUri(), "neo4j", "not-the-password")) {
                assertThatThrownBy(wrong::verifyConnectivity).hasMessageContaining("authentication");
            }
        }
        Credentials.Password again = Credentials.resolve(data, null);
        assertThat(again.generated()).isFalse();
        assertThat(again.value()).isEqualTo(password.value());
        try (EmbeddedServer server = EmbeddedServer.start(settings);
                MnemoClient client = new MnemoClient(server.boltUri(), "neo4j", again.value())) {
            assertThat(client.libraryUid("notes")).isEqualTo(library);
            List<Rows.Hit> hits = client.search("renew certificates", List.of(library), 5);
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).text_preview()).contains("TLS certificates");
        }
    }

    @Test
    void aTooShortPasswordIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Credentials.resolve(data, "short"))
                .hasMessageContaining("MNEMO_NEO4J_PASSWORD must be at least 8 characters");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
