package org.mnemo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnemo.gateway.config.GatewayConfig;

/**
 * The promises of docker/ that no container run checks here (Docker cannot run on the build machines; docker/check
 * validates the files with Compose, two Dockerfile linters and Caddy): the Neo4j image is the version the plugin is
 * built for, every service has a healthcheck, the gateway waits for a healthy Neo4j and restarts, scales without a
 * port clash and runs MCP without sessions, secrets come from files only, and the gateway accepts its environment.
 */
class DockerShapeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = ROOT.resolve("docker");

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory())
                .readTree(DOCKER.resolve("compose.yaml").toFile());
    }

    private static String pomProperty(String name) throws Exception {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    @Test
    void neo4jIsTheExactVersionThePluginIsBuiltForWithApocFromTheSameRelease() throws Exception {
        String neo4j = pomProperty("neo4j.version");
        assertThat(pomProperty("apoc.version")).isEqualTo(neo4j);
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        assertThat(dockerfile)
                .contains("\nFROM neo4j:" + neo4j + "-community\n")
                // APOC as the image ships it (built for that very Neo4j), not the Maven jars without their libraries.
                .contains("cp /var/lib/neo4j/labs/apoc-*-core.jar /plugins/")
                .contains("COPY gateway/target/plugins/mnemo-*.jar /plugins/")
                .contains("NEO4J_dbms_security_procedures_unrestricted=apoc.*");
    }

    @Test
    void everyServiceIsHealthCheckedAndStartsInOrder() throws Exception {
        JsonNode services = compose().path("services");
        assertThat(fieldNames(services)).containsExactlyInAnyOrder("neo4j", "gateway", "proxy");
        for (String service : fieldNames(services)) {
            assertThat(services.path(service).path("healthcheck").path("test").isArray())
                    .as(service)
                    .isTrue();
        }
        JsonNode gateway = services.path("gateway");
        assertThat(gateway.path("depends_on").path("neo4j").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(gateway.path("restart").asText()).isEqualTo("on-failure");
        assertThat(services.path("proxy")
                        .path("depends_on")
                        .path("gateway")
                        .path("condition")
                        .asText())
                .isEqualTo("service_healthy");
    }

    @Test
    void theGatewayScalesBehindTheProxyWithoutSessions() throws Exception {
        JsonNode services = compose().path("services");
        JsonNode gateway = services.path("gateway");
        // Replicas publish nothing (N of them cannot bind one host port); the proxy is the one published HTTP port.
        assertThat(gateway.has("ports")).isFalse();
        assertThat(gateway.path("environment").path("MNEMO_MCP_STATELESS").asText())
                .isEqualTo("true");
        assertThat(services.path("proxy").path("ports").get(0).asText()).endsWith(":8080");
        String caddyfile = Files.readString(DOCKER.resolve("Caddyfile"));
        assertThat(caddyfile).contains("dynamic a gateway 8080").contains("respond /metrics 404");
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.gateway"))).contains("MNEMO_HTTP_PORT=8080");
        // Published ports are for this host only unless the operator says otherwise.
        for (JsonNode service : services) {
            for (JsonNode port : service.path("ports")) {
                assertThat(port.asText()).startsWith("127.0.0.1:");
            }
        }
    }

    @Test
    void secretsComeFromFilesAndDataAndBackupsFromVolumes() throws Exception {
        JsonNode compose = compose();
        for (JsonNode service : compose.path("services")) {
            service.path("environment").fields().forEachRemaining(e -> {
                boolean secretName = e.getKey().matches(".*(PASSWORD|TOKEN|SECRET|KEY|AUTH)$");
                assertThat(secretName)
                        .as(e.getKey() + " must be a _FILE variable")
                        .isFalse();
            });
        }
        compose.path("secrets")
                .forEach(secret -> assertThat(secret.path("file").asText()).isNotBlank());
        List<String> neo4jVolumes = new ArrayList<>();
        compose.path("services").path("neo4j").path("volumes").forEach(v -> neo4jVolumes.add(v.asText()));
        assertThat(neo4jVolumes).contains("neo4j-data:/data", "neo4j-backups:/backups");
        assertThat(fieldNames(compose.path("volumes"))).contains("neo4j-data", "neo4j-backups");
        // Nothing but the jars goes into a build context: never ./data, the sources or docker/secrets.
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        assertThat(ignore.get(0)).isEqualTo("*");
        assertThat(ignore)
                .allMatch(l -> l.equals("*") || l.startsWith("!gateway/target/") || l.startsWith("!docker/Dockerfile"));
        assertThat(Files.readString(ROOT.resolve(".gitignore"))).contains("/docker/secrets/");
    }

    @Test
    void theGatewayAcceptsTheEnvironmentComposeGivesIt(@TempDir Path secrets) throws Exception {
        // The files docker/make-secrets writes, in its formats.
        Map<String, String> files = Map.of(
                "neo4j_auth",
                "neo4j/a-generated-password",
                "admin_token",
                "mnemo_admin_0123456789abcdef0123456789abcdef",
                "secret_key",
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        Map<String, String> env = new HashMap<>();
        compose().path("services").path("gateway").path("environment").fields().forEachRemaining(e -> {
            String value = e.getValue().asText().replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
            env.put(
                    e.getKey(),
                    value.startsWith("/run/secrets/")
                            ? secrets.resolve(value.substring(13)).toString()
                            : value);
        });
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(secrets.resolve(file.getKey()), file.getValue() + "\n");
        }
        GatewayConfig config = GatewayConfig.from(env);
        assertThat(config.neo4jUri()).isEqualTo("bolt://neo4j:7687");
        assertThat(config.neo4jUser()).isEqualTo("neo4j");
        assertThat(config.neo4jPassword()).isEqualTo("a-generated-password");
        assertThat(config.adminToken()).isEqualTo(files.get("admin_token"));
        assertThat(config.security().secretKey()).hasSize(32);
        assertThat(config.mcp().stateless()).isTrue();
        // make-secrets writes the same formats.
        assertThat(Files.readString(DOCKER.resolve("make-secrets")))
                .contains("make neo4j_auth \"neo4j/")
                .contains("make secret_key \"$(openssl rand -base64 32)\"");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
