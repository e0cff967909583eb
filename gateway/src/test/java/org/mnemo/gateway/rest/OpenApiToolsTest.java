package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mnemo.gateway.Processes.onPath;
import static org.mnemo.gateway.Processes.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.Processes.Run;
import org.mnemo.gateway.auth.Tokens;
import org.mnemo.gateway.web.Json;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The OpenAPI document as outside tools take it: it passes an OpenAPI 3.1 validator (the official 3.1 JSON Schema
 * and its $refs: {@code @seriousme/openapi-schema-validator} from npm), and a Python client generated from it
 * (OpenAPI Generator's {@code python-pydantic-v1}, run with Debian's python3) runs the Daedalus flow against this
 * gateway. Skipped only where npm or Debian's python3 with pydantic is missing; .ci/run installs both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiToolsTest {
    private static final Path SOURCES = Path.of("src/test/openapi");
    private static final Path WORK = Path.of("target/openapi-tools");
    private static final Path GENERATOR = Path.of("target/openapi-generator/openapi-generator-cli.jar");
    /** Debian's interpreter, which finds the python3-pydantic, -urllib3 and -dateutil packages. */
    private static final String PYTHON = "/usr/bin/python3";

    private final TestGateway gw = TestGateway.get();
    private Path document;

    @BeforeAll
    void writeTheDocument() throws IOException {
        Files.createDirectories(WORK);
        document = WORK.resolve("openapi.json");
        Files.writeString(document, gw.get("/openapi.json", null).raw().body());
    }

    @Test
    void theDocumentPassesAnOpenApi31Validator() throws Exception {
        Path validator =
                nodeTools().resolve("node_modules/@seriousme/openapi-schema-validator/bin/" + "validate-api-cli.js");
        String node = onPath("node");
        Run valid = run(
                List.of(node, validator.toString(), document.toAbsolutePath().toString()), WORK, Map.of(), 120);
        assertThat(valid.exit()).as(valid.output()).isZero();
        assertThat(Json.MAPPER.readTree(valid.output()).path("valid").asBoolean())
                .isTrue();

        // It can fail: a response without its description and a $ref to nothing are refused.
        ObjectNode broken = (ObjectNode) Json.MAPPER.readTree(document.toFile());
        ((ObjectNode) broken.at("/paths/~1live~1/get/responses/200")).remove("description");
        ((ObjectNode) broken.at(
                        "/paths/~1library~1api~1jobs~1{id}~1/get/responses/200/content/application~1json" + "/schema"))
                .put("$ref", "#/components/schemas/Nothing");
        Path brokenFile = WORK.resolve("broken-openapi.json");
        Json.MAPPER.writeValue(brokenFile.toFile(), broken);
        Run invalid = run(
                List.of(node, validator.toString(), brokenFile.toAbsolutePath().toString()), WORK, Map.of(), 120);
        assertThat(invalid.exit()).as(invalid.output()).isNotZero();
        assertThat(invalid.output()).contains("\"valid\": false");
    }

    @Test
    void aGeneratedPythonClientRunsTheDaedalusFlow() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of(PYTHON))
                        && run(
                                                List.of(
                                                        PYTHON,
                                                        "-c",
                                                        "import pydantic, urllib3, dateutil, typing_extensions"),
                                                WORK,
                                                Map.of(),
                                                60)
                                        .exit()
                                == 0,
                "Debian's python3 with python3-pydantic, -urllib3, -dateutil and -typing-extensions is missing");
        assertThat(GENERATOR)
                .as("the generator jar, copied by the gateway's build (mvn process-test-resources)")
                .exists();
        Path client = WORK.resolve("python");
        Files.createDirectories(client);
        // Generated once per document: the same document again reuses the client.
        Path generatedFrom = client.resolve("openapi.json");
        if (!Files.exists(generatedFrom) || Files.mismatch(generatedFrom, document) != -1) {
            Run generated = run(
                    List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            GENERATOR.toAbsolutePath().toString(),
                            "generate",
                            "-g",
                            "python-pydantic-v1",
                            "-i",
                            document.toAbsolutePath().toString(),
                            "-o",
                            client.toAbsolutePath().toString(),
                            "--package-name",
                            "mnemo_client",
                            "--global-property",
                            "apiTests=false,modelTests=false"),
                    WORK,
                    Map.of(),
                    300);
            assertThat(generated.exit()).as(generated.output()).isZero();
            Files.copy(document, generatedFrom, StandardCopyOption.REPLACE_EXISTING);
        }

        String workspace = "python-ws-" + UUID.randomUUID().toString().substring(0, 8);
        String key = workspace + "/survey.md";
        String text = "# Quay wall survey\n\nDivers found scour at the toe of the quay wall near berth seven; the "
                + "sheet piles show pitting corrosion above the low-water line.";
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key), RequestBody.fromBytes(content));
        }
        // The admin mints Daedalus' token as the seed does; agents search with per-turn JWTs.
        TestGateway.Response minted = gw.post(
                "/api/tokens/",
                TestGateway.ADMIN_TOKEN,
                Map.of(
                        "name",
                        "python-client",
                        "owner",
                        TestGateway.DAEDALUS_PRINCIPAL,
                        "allowed_libraries",
                        List.of()));
        assertThat(minted.status()).as(minted.raw().body()).isEqualTo(201);
        String turn = Jwt.daedalus(List.of(workspace), Duration.ofMinutes(5));

        Run flow = run(
                List.of(
                        PYTHON,
                        "-s",
                        SOURCES.resolve("daedalus_flow.py").toAbsolutePath().toString(),
                        gw.url(""),
                        minted.json().path("token").asText(),
                        turn,
                        workspace,
                        key,
                        Integer.toString(content.length),
                        Tokens.sha256Hex(content)),
                WORK,
                Map.of("PYTHONPATH", client.toAbsolutePath().toString()),
                180);
        assertThat(flow.exit()).as(flow.output()).isZero();
        JsonNode seen = Json.MAPPER.readTree(flow.lastLine());
        assertThat(seen.path("library_uid").asText()).isNotBlank();
        assertThat(seen.path("library_type").asText()).isEqualTo("technical");
        assertThat(seen.path("submitted").asText()).isIn("queued", "processing");
        assertThat(seen.path("job_status").asText()).as(flow.output()).isEqualTo("completed");
        assertThat(seen.path("job_completed_at").asText()).isNotBlank();
        assertThat(seen.path("job_item").asText()).isNotBlank();
        assertThat(seen.path("upload_status").asText()).isEqualTo("created");
        assertThat(seen.path("upload_chunks").asInt()).isPositive();
        assertThat(seen.path("top_title").asText()).isEqualTo("Quay wall survey");
        assertThat(seen.path("after_delete").asText()).isEqualTo("404 not_found");
    }

    /** The npm packages of src/test/openapi, installed once into target/openapi-tools/node. */
    private Path nodeTools() throws Exception {
        String npm = onPath("npm");
        Assumptions.assumeTrue(npm != null, "npm is not on the PATH: the OpenAPI validator is skipped");
        Path dir = WORK.resolve("node");
        Files.createDirectories(dir);
        for (String file : List.of("package.json", "package-lock.json")) {
            Files.copy(SOURCES.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/@seriousme/openapi-schema-validator"))) {
            Run install = run(List.of(npm, "ci", "--no-audit", "--no-fund"), dir, Map.of(), 600);
            assertThat(install.exit()).as(install.output()).isZero();
        }
        return dir.toAbsolutePath();
    }
}
