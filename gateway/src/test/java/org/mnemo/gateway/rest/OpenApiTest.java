package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.mnemo.gateway.auth.Tokens;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The OpenAPI document is typed and true: every route declares its request body and responses as JSON Schemas
 * (draft 2020-12, the OpenAPI 3.1 dialect) from the same declarations Javalin serves, the examples match them, and
 * real responses of every documented operation are held to them — here one call at least per operation, and in
 * the whole suite every response {@link ApiClient} receives ({@link OpenApiContract}). The independent OpenAPI 3.1
 * validator and the generated client are in {@link OpenApiToolsTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {
    private final TestGateway gw = TestGateway.get();
    private final OpenApiContract contract = OpenApiContract.of(gw.url(""));
    private final JsonNode doc = gw.get("/openapi.json", null).json();
    /** METHOD template of every operation this class saw answer a declared success status, checked. */
    private final Set<String> answered = new TreeSet<>();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theSuiteHoldsEveryResponseToTheDocument() {
        assertThat(OpenApiContract.enabled())
                .as("the gateway's surefire configuration sets -D" + OpenApiContract.PROPERTY + "=true")
                .isTrue();
    }

    @Test
    void everyRouteDeclaresItsBodyAndResponsesAsSchemas() {
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        List<String> untyped = new ArrayList<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    String name = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                    JsonNode responses = op.getValue().path("responses");
                    List<String> statuses = new ArrayList<>();
                    responses.fieldNames().forEachRemaining(statuses::add);
                    if (statuses.stream().noneMatch(s -> s.startsWith("2"))) {
                        untyped.add(name + ": no success response");
                    }
                    for (String status : statuses) {
                        JsonNode content = responses.path(status).path("content");
                        if (status.startsWith("2") && !status.equals("204") && !hasSchemas(content)) {
                            untyped.add(name + " " + status + ": no schema");
                        }
                        if (status.equals("204") && !content.isMissingNode()) {
                            untyped.add(name + " 204 declares a body");
                        }
                    }
                    if (!responses.has("default")) {
                        untyped.add(name + ": no error response");
                    }
                    JsonNode body = op.getValue().path("requestBody");
                    if (!body.isMissingNode() && !hasSchemas(body.path("content"))) {
                        untyped.add(name + ": a request body without a schema");
                    }
                    if (op.getKey().matches("post|put|patch")
                            && body.isMissingNode()
                            && !op.getValue().path("summary").asText().isEmpty()
                            && bodyExpected(path.getKey())) {
                        untyped.add(name + ": takes a body the document does not describe");
                    }
                }));
        assertThat(untyped).isEmpty();
        // Shared shapes are components, not copies.
        assertThat(doc.path("components").path("schemas").fieldNames())
                .toIterable()
                .contains(
                        "Error",
                        "Library",
                        "Workspace",
                        "Item",
                        "Job",
                        "Candidate",
                        "SearchResults",
                        "Memory",
                        "Project",
                        "Team",
                        "Token");
    }

    private static boolean hasSchemas(JsonNode content) {
        if (content.isMissingNode() || content.isEmpty()) {
            return false;
        }
        Iterator<JsonNode> types = content.elements();
        while (types.hasNext()) {
            if (!types.next().has("schema")) {
                return false;
            }
        }
        return true;
    }

    /** Routes that change something by their path alone (retry, rotate, accept, …) take no body. */
    private static boolean bodyExpected(String path) {
        return !path.matches(".*/(retry|rotate|restore|accept|refresh|reinforce|promote|reject)/?$");
    }

    @Test
    void theExamplesMatchTheirSchemas() {
        List<String> problems = new ArrayList<>();
        int[] examples = {0};
        walk(doc, "", (pointer, node) -> {
            if (node.has("examples") && node.get("examples").isArray() && node.has("type")) {
                for (JsonNode example : node.get("examples")) {
                    examples[0]++;
                    problems.addAll(contract.validate(pointer, example.toString(), "example at " + pointer));
                }
            }
        });
        assertThat(examples[0]).as("examples in the document").isGreaterThan(15);
        assertThat(problems).isEmpty();
    }

    @Test
    void everySchemaIsAJsonSchema202012() {
        com.networknt.schema.Schema metaSchema = com.networknt.schema.SchemaRegistry.withDefaultDialect(
                        com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<String> problems = new ArrayList<>();
        int[] schemas = {0};
        walk(doc, "", (pointer, node) -> {
            if (pointer.matches("/components/schemas/[^/]+") || pointer.endsWith("/schema")) {
                schemas[0]++;
                metaSchema
                        .validate(node.toString(), com.networknt.schema.InputFormat.JSON)
                        .forEach(error -> problems.add(pointer + ": " + error));
            }
        });
        assertThat(schemas[0]).isGreaterThan(100);
        assertThat(problems).isEmpty();
        // And the meta-schema does refuse what is no schema.
        assertThat(metaSchema.validate(
                        "{\"type\": \"text\", \"required\": \"id\"}", com.networknt.schema.InputFormat.JSON))
                .isNotEmpty();
    }

    private interface Visitor {
        void visit(String pointer, JsonNode node);
    }

    private static void walk(JsonNode node, String pointer, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(pointer, node);
            node.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("examples")) {
                    walk(e.getValue(), pointer + "/" + OpenApiContract.escape(e.getKey()), visitor);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }

    @Test
    void responsesThatDifferFromTheDocumentAreReported() {
        String job = "/library/api/jobs/job_1/";
        String example = doc.path("components")
                .path("schemas")
                .path("Job")
                .path("examples")
                .get(0)
                .toString();
        assertThat(contract.problems("GET", job, 200, "application/json", example))
                .isEmpty();
        // A wrong type, a value outside the enumeration, a missing property, a date that is none.
        assertThat(contract.problems(
                        "GET", job, 200, "application/json", example.replace("\"attempts\":0", "\"attempts\":\"0\"")))
                .singleElement()
                .asString()
                .contains("GET /library/api/jobs/{id}/ 200")
                .contains("attempts");
        assertThat(contract.problems("GET", job, 200, "application/json", example.replace("\"queued\"", "\"waiting\"")))
                .singleElement()
                .asString()
                .contains("status");
        assertThat(contract.problems("GET", job, 200, "application/json", example.replace("\"id\":", "\"uid\":")))
                .isNotEmpty()
                .anyMatch(p -> p.contains("id"));
        assertThat(contract.problems(
                        "GET",
                        job,
                        200,
                        "application/json",
                        example.replace("\"2026-01-31T09:15:00Z\"", "\"yesterday\"")))
                .isNotEmpty()
                .allMatch(p -> p.contains("created_at") || p.contains("updated_at"));
        // A status, a media type or a body the route does not declare.
        assertThat(contract.problems("GET", job, 201, "application/json", example))
                .singleElement()
                .asString()
                .contains("declares no response with this status");
        assertThat(contract.problems("GET", job, 200, "text/html", "<p>job</p>"))
                .singleElement()
                .asString()
                .contains("answered text/html");
        assertThat(contract.problems("DELETE", "/library/api/items/x/", 204, null, "{}"))
                .singleElement()
                .asString()
                .contains("declared without a body");
        // Errors have the shared shape, on routes and off them.
        assertThat(contract.problems("GET", job, 404, "application/json", "{\"detail\": \"no code\"}"))
                .singleElement()
                .asString()
                .contains("code");
        assertThat(contract.problems("GET", "/nowhere", 404, "application/json", "{\"error\": \"x\"}"))
                .isNotEmpty();
        assertThat(contract.problems(
                        "GET",
                        job,
                        404,
                        "application/json",
                        "{\"code\": \"not_found\", " + "\"detail\": \"job 'x' not found\", \"request_id\": \"r\"}"))
                .isEmpty();
    }

    // ---- every documented operation, called and checked

    /** Sends a request, expects the status and holds the response to the document, whatever the property says. */
    private JsonNode call(int expected, String method, String path, String token, Object body) {
        return check(expected, gw.send(method, path, token, body));
    }

    private JsonNode call(
            int expected, String method, String path, String token, Object body, Map<String, String> headers) {
        return check(expected, gw.send(method, path, token, body, headers));
    }

    private JsonNode check(int expected, ApiClient.Response response) {
        String method = response.raw().request().method();
        String path = response.raw().request().uri().getPath();
        assertThat(response.status())
                .as(method + " " + path + ": " + response.raw().body())
                .isEqualTo(expected);
        List<String> problems = contract.problems(
                method,
                path,
                response.status(),
                response.header("Content-Type"),
                response.raw().body());
        assertThat(problems).as(method + " " + path).isEmpty();
        template(method, path).ifPresent(answered::add);
        return response.json();
    }

    private java.util.Optional<String> template(String method, String path) {
        List<String> matches = new ArrayList<>();
        doc.path("paths").fieldNames().forEachRemaining(template -> {
            String pattern =
                    "\\Q" + template.replaceAll("/$", "").replaceAll("\\{[a-z_]+}", "\\\\E[^/]+\\\\Q") + "\\E/?";
            if (path.matches(pattern) && doc.path("paths").path(template).has(method.toLowerCase(Locale.ROOT))) {
                matches.add(method + " " + template);
            }
        });
        return matches.stream().findFirst();
    }

    @Test
    void everyDocumentedOperationAnswersAsDeclared() throws Exception {
        String admin = TestGateway.ADMIN_TOKEN;
        String userId = unique("oa-user");
        String user = call(201, "POST", "/api/users/", admin, Map.of("id", userId, "name", "OpenAPI user"))
                .path("token")
                .path("token")
                .asText();

        // Operations and health.
        call(200, "GET", "/live/", null, null);
        call(200, "GET", "/ready/", null, null);
        call(200, "GET", "/metrics", null, null);
        call(200, "GET", "/openapi.json", null, null);
        call(200, "GET", "/mcp/health", null, null);
        call(200, "GET", "/v1/health", null, null);

        // Libraries, collections, items, search, chunks.
        String library = call(
                        201,
                        "POST",
                        "/library/api/libraries/",
                        user,
                        Map.of("name", unique("oa-lib"), "library_type", "technical"))
                .path("uid")
                .asText();
        call(200, "GET", "/library/api/libraries/?include_workspace=true&limit=5", user, null);
        call(200, "GET", "/library/api/libraries/" + library + "/", user, null);
        call(200, "PUT", "/library/api/libraries/" + library + "/", user, Map.of("description", "Typed"));
        String collection = call(
                        201, "POST", "/library/api/collections/", user, Map.of("library_uid", library, "name", "Notes"))
                .path("uid")
                .asText();
        call(200, "GET", "/library/api/collections/?library_uid=" + library, user, null);
        call(200, "GET", "/library/api/collections/" + collection + "/", user, null);
        call(200, "PUT", "/library/api/collections/" + collection + "/", user, Map.of("name", "Field notes"));
        JsonNode uploaded = call(
                201,
                "POST",
                "/library/api/items/",
                user,
                Map.of(
                        "library_uid",
                        library,
                        "collection_uid",
                        collection,
                        "title",
                        "Tides",
                        "text",
                        "Spring tides come at new and full moon; "
                                + "neap tides at the quarter moons, when the sun and moon pull at right angles."));
        String item = uploaded.path("item_uid").asText();
        call(200, "GET", "/library/api/items/?library_uid=" + library, user, null);
        call(200, "GET", "/library/api/items/" + item + "/", user, null);
        call(200, "PUT", "/library/api/items/" + item + "/", user, Map.of("title", "Tide notes"));
        call(200, "GET", "/library/api/jobs/" + uploaded.path("job").path("id").asText() + "/", user, null);
        call(200, "GET", "/library/api/jobs/?library_uid=" + library, user, null);
        JsonNode results =
                call(200, "POST", "/library/api/search/", user, Map.of("query", "neap tides", "library_uid", library));
        call(200, "POST", "/library/api/search/", user, Map.of("query", "neap tides", "group_by", "item"));
        String chunk = results.path("candidates").get(0).path("chunk_uid").asText();
        call(200, "GET", "/library/api/chunks/" + chunk + "/", user, null);
        call(200, "GET", "/library/api/chunks/" + chunk + "/neighbors/?depth=2", user, null);
        call(200, "GET", "/library/api/items/" + item + "/chunks/", user, null);
        call(204, "DELETE", "/library/api/items/" + item + "/", user, null);
        call(204, "DELETE", "/library/api/collections/" + collection + "/", user, null);

        // A workspace, ingest from S3, a failed job retried, as Daedalus does.
        String daedalus = gw.daedalus;
        String workspace = unique("oa-ws");
        call(
                201,
                "POST",
                "/library/api/workspaces/",
                daedalus,
                Map.of("workspace_id", workspace, "name", "Harbour", "library_type", "technical"));
        call(
                200,
                "POST",
                "/library/api/workspaces/",
                daedalus,
                Map.of("workspace_id", workspace, "name", "Harbour", "library_type", "technical"));
        call(200, "GET", "/library/api/workspaces/" + workspace + "/", daedalus, null);
        call(200, "PUT", "/library/api/workspaces/" + workspace + "/", daedalus, Map.of("description", "Quays"));
        String text = "# Survey\n\nScour at the toe of the quay wall near berth seven.";
        String key = workspace + "/survey.md";
        Map<String, Object> ingest = Map.of(
                "s3_key",
                key,
                "workspace_id",
                workspace,
                "file_type",
                "md",
                "file_size",
                text.getBytes(StandardCharsets.UTF_8).length,
                "content_hash",
                putSource(key, text));
        String job = call(202, "POST", "/library/api/ingest/", daedalus, ingest)
                .path("id")
                .asText();
        call(200, "POST", "/library/api/ingest/", daedalus, ingest);
        String missing = workspace + "/missing.md";
        String failed = call(
                        202,
                        "POST",
                        "/library/api/ingest/",
                        daedalus,
                        Map.of(
                                "s3_key",
                                missing,
                                "workspace_id",
                                workspace,
                                "file_type",
                                "md",
                                "file_size",
                                10,
                                "content_hash",
                                "0".repeat(64)))
                .path("id")
                .asText();
        await(daedalus, job, "completed");
        await(daedalus, failed, "failed");
        call(202, "POST", "/library/api/jobs/" + failed + "/retry/", daedalus, null);

        // Projects and context (AtoCore's routes), as the Daedalus service that owns the source.
        String project = unique("oa-project");
        call(200, "GET", "/atocore/health", daedalus, null);
        call(200, "GET", "/atocore/stats", daedalus, null);
        call(200, "GET", "/atocore/projects/template", daedalus, null);
        call(200, "POST", "/atocore/projects/proposal", daedalus, Map.of("id", project));
        call(
                201,
                "POST",
                "/atocore/projects/register",
                daedalus,
                Map.of(
                        "id",
                        project,
                        "aliases",
                        List.of(project + "-alias"),
                        "ingest_roots",
                        List.of("s3://daedalus/" + workspace + "/")));
        call(200, "GET", "/atocore/projects", daedalus, null);
        call(200, "PUT", "/atocore/projects/" + project, daedalus, Map.of("description", "Quay wall renewal"));
        call(202, "POST", "/atocore/projects/" + project + "/refresh", daedalus, null);
        call(
                200,
                "POST",
                "/atocore/project/state",
                daedalus,
                Map.of("project", project, "category", "decision", "key", "piles", "value", "Steel sheet piles"));
        call(200, "GET", "/atocore/project/state/" + project + "?include_history=true", daedalus, null);
        call(
                200,
                "DELETE",
                "/atocore/project/state",
                daedalus,
                Map.of("project", project, "category", "decision", "key", "piles"));
        call(200, "POST", "/atocore/query", daedalus, Map.of("prompt", "scour at the quay wall"));
        String pack = call(
                        200,
                        "POST",
                        "/atocore/context/build",
                        daedalus,
                        Map.of("prompt", "quay wall scour", "project", project))
                .path("pack_id")
                .asText();
        call(200, "GET", "/atocore/debug/context", daedalus, null);
        String interaction = call(
                        201,
                        "POST",
                        "/atocore/interactions",
                        daedalus,
                        Map.of(
                                "prompt",
                                "What about " + "the piles?",
                                "response",
                                "We decided to use steel sheet piles.",
                                "project",
                                project,
                                "pack_id",
                                pack))
                .path("id")
                .asText();
        call(200, "GET", "/atocore/interactions?project=" + project, daedalus, null);
        call(200, "GET", "/atocore/interactions/" + interaction, daedalus, null);
        call(200, "POST", "/atocore/interactions/" + interaction + "/reinforce", daedalus, null);
        call(200, "POST", "/atocore/interactions/" + interaction + "/extract", daedalus, Map.of("persist", false));
        String candidate = call(
                        201,
                        "POST",
                        "/atocore/memory",
                        daedalus,
                        Map.of(
                                "content",
                                "Piles are steel.",
                                "memory_type",
                                "knowledge",
                                "project",
                                project,
                                "status",
                                "candidate"))
                .path("id")
                .asText();
        String rejected = call(
                        201,
                        "POST",
                        "/atocore/memory",
                        daedalus,
                        Map.of(
                                "content",
                                "Piles are timber.",
                                "memory_type",
                                "knowledge",
                                "project",
                                project,
                                "status",
                                "candidate"))
                .path("id")
                .asText();
        call(200, "GET", "/atocore/memory?status=candidate&project=" + project, daedalus, null);
        call(200, "PUT", "/atocore/memory/" + candidate, daedalus, Map.of("confidence", 0.8));
        call(200, "POST", "/atocore/memory/" + candidate + "/promote", daedalus, null);
        call(200, "POST", "/atocore/memory/" + rejected + "/reject", daedalus, null);
        call(204, "DELETE", "/library/api/workspaces/" + workspace + "/", daedalus, null);

        // The workspace tree, memberships and memory.
        String root = unique("oa-root");
        call(200, "PUT", "/api/memory/workspaces/" + root + "/", admin, Map.of("name", "Root"));
        call(
                200,
                "POST",
                "/api/memory/workspaces/sync/",
                admin,
                Map.of(
                        "workspaces",
                        List.of(
                                Map.of("id", root + "-a", "parent_id", root),
                                Map.of("id", root + "-b", "parent_id", root, "name", "B"))));
        call(200, "PUT", "/api/memory/workspaces/" + root + "/members/" + userId + "/", admin, Map.of("role", "owner"));
        call(200, "GET", "/api/memory/workspaces/" + root + "/", admin, null);
        String bound = call(201, "POST", "/api/tokens/", user, Map.of("name", "bound", "workspace_ids", List.of(root)))
                .path("token")
                .asText();
        call(200, "GET", "/api/memory/namespaces/", bound, null);
        call(
                201,
                "POST",
                "/api/memory/memories/",
                bound,
                Map.of("id", "m-1", "content", "We ship on Thursdays.", "kind", "decision"));
        call(
                200,
                "POST",
                "/api/memory/memories/",
                bound,
                Map.of("id", "m-1", "content", "We ship on Thursdays.", "kind", "decision"));
        call(200, "POST", "/api/memory/search/", bound, Map.of("query", "when do we ship"));
        call(200, "GET", "/api/memory/export/?workspace_id=" + root, admin, null);
        call(
                200,
                "POST",
                "/api/memory/import/",
                admin,
                List.of(Map.of(
                        "id", "m-2", "namespace", "workspace:" + root, "content", "Imported memory.", "kind", "note")));
        call(204, "DELETE", "/api/memory/memories/m-1/", bound, null);
        String ns = "workspace:" + root;
        call(
                200,
                "PUT",
                "/v1/namespaces/" + ns,
                bound,
                Map.of("description", "Root memory", "metadata", Map.of("owner", "platform")));
        call(200, "PATCH", "/v1/namespaces/" + ns, bound, Map.of("description", "Root"));
        call(
                201,
                "POST",
                "/v1/namespaces/" + ns + "/memories",
                bound,
                Map.of("id", "p-1", "content", "The plugin stores this.", "tags", List.of("plugin")));
        call(
                200,
                "POST",
                "/v1/search",
                bound,
                Map.of("namespaces", List.of(ns), "query", "plugin"),
                Map.of("X-Workspace-ID", root));
        call(204, "DELETE", "/v1/namespaces/" + ns + "/memories/p-1", bound, null);
        call(204, "DELETE", "/v1/namespaces/" + ns, bound, null);
        call(204, "DELETE", "/api/memory/workspaces/" + root + "/members/" + userId + "/", admin, null);
        // A service's grant to someone it does not manage waits for that one's acceptance.
        String serviceId = unique("oa-service");
        String service = gw.service(serviceId);
        String serviceRoot = unique("oa-service-root");
        call(200, "PUT", "/api/memory/workspaces/" + serviceRoot + "/", service, Map.of("name", "Service root"));
        call(
                200,
                "PUT",
                "/api/memory/workspaces/" + serviceRoot + "/members/" + userId + "/",
                service,
                Map.of("role", "reader"));
        call(200, "GET", "/api/memberships/", user, null);
        call(200, "POST", "/api/memberships/" + serviceRoot + "/accept/", user, null);
        call(204, "DELETE", "/api/memberships/" + serviceRoot + "/", user, null);
        call(200, "DELETE", "/api/memory/workspaces/" + root + "-a/", admin, null);

        // Teams, tokens, users, signing keys.
        String team = unique("oa-team");
        call(201, "POST", "/mcp_server/api/teams/", user, Map.of("id", team, "name", "Agents"));
        call(200, "POST", "/mcp_server/api/teams/", user, Map.of("id", team, "name", "Agents"));
        call(200, "GET", "/mcp_server/api/teams/", user, null);
        call(200, "GET", "/mcp_server/api/teams/" + team + "/", user, null);
        call(200, "PUT", "/mcp_server/api/teams/" + team + "/workspaces/", user, Map.of("workspace_ids", List.of()));
        call(200, "POST", "/mcp_server/api/teams/" + team + "/rotate/", user, null);
        call(204, "DELETE", "/mcp_server/api/teams/" + team + "/", user, null);
        call(200, "POST", "/mcp_server/api/teams/" + team + "/restore/", admin, null);
        String token = call(
                        201,
                        "POST",
                        "/api/tokens/",
                        user,
                        Map.of("name", "short-lived", "allowed_tools", List.of("search")))
                .path("id")
                .asText();
        call(200, "GET", "/api/tokens/", user, null);
        call(204, "DELETE", "/api/tokens/" + token + "/", user, null);
        call(200, "GET", "/api/users/", admin, null);
        call(200, "PUT", "/api/users/" + userId + "/", admin, Map.of("active", true));
        String older =
                call(201, "POST", "/api/keys/rotate/", admin, null).path("kid").asText();
        call(201, "POST", "/api/keys/rotate/", admin, null);
        call(200, "GET", "/api/keys/", admin, null);
        call(204, "DELETE", "/api/keys/" + older + "/", admin, null);
        call(204, "DELETE", "/library/api/libraries/" + library + "/", user, null);

        Set<String> documented = new LinkedHashSet<>();
        doc.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue()
                        .fieldNames()
                        .forEachRemaining(
                                method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        assertThat(answered)
                .as("operations answered and checked: a new route needs a call here")
                .containsExactlyInAnyOrderElementsOf(documented);
    }

    private static String putSource(String key, String text) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        try (S3Client s3 = TestGateway.s3Client()) {
            s3.putObject(b -> b.bucket(TestGateway.SOURCE_BUCKET).key(key), RequestBody.fromBytes(content));
        }
        return Tokens.sha256Hex(content);
    }

    private void await(String token, String job, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (true) {
            JsonNode current = call(200, "GET", "/library/api/jobs/" + job + "/", token, null);
            if (current.path("status").asText().equals(status)) {
                return;
            }
            assertThat(System.currentTimeMillis())
                    .as("job " + job + " is " + current.path("status") + ", not " + status + ": " + current)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
