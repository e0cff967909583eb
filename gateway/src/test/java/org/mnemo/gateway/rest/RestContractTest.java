package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REST contract: each route's success and error shapes, codes and statuses. */
class RestContractTest {
    private final TestGateway gw = TestGateway.get();

    @Test
    void aWriteAnswersItsBookmarkAndAnotherGatewayGivenItReadsTheWrite() {
        String token = gw.user("contract-bookmarks");
        gw.grant("ws-bookmarks", "contract-bookmarks", "owner");
        TestGateway.Response written = gw.send(
                "POST",
                "/api/memory/memories/",
                token,
                Map.of("content", "The standby generator is tested on the first Monday."),
                Map.of("X-Workspace-ID", "ws-bookmarks"));
        assertThat(written.status()).isEqualTo(201);
        String bookmark = written.header("X-Mnemo-Bookmark");
        assertThat(bookmark)
                .as("a write names the transaction a later read must see")
                .isNotBlank();
        try (org.mnemo.gateway.Gateway other = org.mnemo.gateway.Gateway.start(
                TestGateway.config(gw.neo4j.boltUri(), Map.of("MNEMO_INGEST_WORKERS", "0")))) {
            ApiClient second = new ApiClient("http://127.0.0.1:" + other.port(), TestGateway.ADMIN_TOKEN);
            TestGateway.Response read = second.send(
                    "POST",
                    "/api/memory/search/",
                    token,
                    Map.of("query", "standby generator test"),
                    Map.of("X-Workspace-ID", "ws-bookmarks", "X-Mnemo-Bookmark", bookmark));
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().path("results").toString()).contains("first Monday");
            TestGateway.Response malformed = second.send(
                    "POST",
                    "/api/memory/search/",
                    token,
                    Map.of("query", "generator"),
                    Map.of("X-Workspace-ID", "ws-bookmarks", "X-Mnemo-Bookmark", "not-a-bookmark"));
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.code()).isEqualTo("invalid_bookmark");
        }
    }

    @Test
    void errorsAreJsonWithStableCodes() {
        String token = gw.user("contract-errors");
        TestGateway.Response malformed = gw.post("/library/api/libraries/", token, "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("malformed_json");

        TestGateway.Response notObject = gw.post("/library/api/libraries/", token, "[1, 2]");
        assertThat(notObject.code()).isEqualTo("invalid_body");

        TestGateway.Response missing = gw.post("/library/api/libraries/", token, Map.of("name", "no type"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.code()).isEqualTo("invalid_field");
        assertThat(missing.json().path("detail").asText()).contains("library_type");

        TestGateway.Response wrongType = gw.post("/library/api/search/", token, Map.of("query", 42));
        assertThat(wrongType.code()).isEqualTo("invalid_field");
        assertThat(wrongType.json().path("detail").asText()).contains("query");

        TestGateway.Response limit = gw.post("/library/api/search/", token, Map.of("query", "x", "limit", 10_000));
        assertThat(limit.status()).isEqualTo(400);
        assertThat(limit.json().path("detail").asText()).contains("limit");

        TestGateway.Response legs = gw.post(
                "/library/api/search/", token, Map.of("query", "x", "search_types", List.of("vector", "telepathy")));
        assertThat(legs.json().path("detail").asText()).contains("telepathy");

        TestGateway.Response badType =
                gw.post("/library/api/libraries/", token, Map.of("name", "Typed", "library_type", "cookbook-of-doom"));
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().path("detail").asText()).contains("library_type");

        TestGateway.Response page = gw.get("/library/api/items/?limit=500", token);
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.code()).isEqualTo("invalid_parameter");

        TestGateway.Response unknown = gw.get("/library/api/nothing-here/", token);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(unknown.json().path("request_id").asText()).isNotBlank();

        TestGateway.Response tooLarge =
                gw.post("/library/api/items/", token, "{\"text\": \"" + "x".repeat(1_100_000) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.code()).isEqualTo("body_too_large");
    }

    @Test
    void conflictsOnWorkspacesAndLibraries() {
        String carol = gw.user("carol");
        String dave = gw.user("dave");
        gw.grant("ws-carol", "carol", "owner");
        gw.grant("ws-dave", "dave", "owner");
        assertThat(gw.post(
                                "/library/api/workspaces/",
                                carol,
                                Map.of(
                                        "workspace_id",
                                        "ws-carol",
                                        "name",
                                        "Carol workspace",
                                        "library_type",
                                        "nonfiction"))
                        .status())
                .isEqualTo(201);
        // Another user's workspace is not Dave's to claim, and does not even show that it exists.
        TestGateway.Response owner = gw.post(
                "/library/api/workspaces/",
                dave,
                Map.of("workspace_id", "ws-carol", "name", "Dave workspace", "library_type", "nonfiction"));
        assertThat(owner.status()).isEqualTo(404);
        assertThat(owner.code()).isEqualTo("not_found");
        TestGateway.Response unknown = gw.post(
                "/library/api/workspaces/",
                dave,
                Map.of("workspace_id", "ws-nobody-holds", "name", "Dave's squat", "library_type", "nonfiction"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("detail").asText())
                .isEqualTo(owner.json().path("detail").asText().replace("ws-carol", "ws-nobody-holds"));
        TestGateway.Response name = gw.post(
                "/library/api/workspaces/",
                dave,
                Map.of("workspace_id", "ws-dave", "name", "Carol workspace", "library_type", "nonfiction"));
        assertThat(name.status()).isEqualTo(409);
        assertThat(name.code()).isEqualTo("name_conflict");
        TestGateway.Response type = gw.post(
                "/library/api/workspaces/",
                carol,
                Map.of("workspace_id", "ws-carol", "name", "Carol workspace", "library_type", "fiction"));
        assertThat(type.status()).isEqualTo(409);
        assertThat(type.code()).isEqualTo("library_type_immutable");

        TestGateway.Response renamed = gw.put(
                "/library/api/workspaces/ws-carol",
                carol,
                Map.of("name", "Carol's renamed workspace", "description", "notes"));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().path("name").asText()).isEqualTo("Carol's renamed workspace");
        String uid = renamed.json().path("library_uid").asText();
        TestGateway.Response immutable =
                gw.put("/library/api/libraries/" + uid + "/", carol, Map.of("library_type", "fiction"));
        assertThat(immutable.code()).isEqualTo("library_type_immutable");
        assertThat(gw.get("/library/api/workspaces/ws-carol/", carol)
                        .json()
                        .path("library_type")
                        .asText())
                .isEqualTo("nonfiction");
    }

    @Test
    void librariesCollectionsAndItems() {
        String erin = gw.user("erin");
        TestGateway.Response created = gw.post(
                "/library/api/libraries/",
                erin,
                Map.of("name", "Erin's shelf", "library_type", "technical", "description", "manuals"));
        assertThat(created.status()).isEqualTo(201);
        String library = created.json().path("uid").asText();
        assertThat(created.json().path("owner").asText()).isEqualTo("erin");
        assertThat(gw.post("/library/api/libraries", erin, Map.of("name", "Erin's shelf", "library_type", "technical"))
                        .status())
                .isEqualTo(200);
        gw.grant("ws-erin", "erin", "owner");
        gw.post(
                "/library/api/workspaces/",
                erin,
                Map.of("workspace_id", "ws-erin", "name", "Erin ws", "library_type", "nonfiction"));

        List<String> plain =
                gw.get("/library/api/libraries/", erin).json().path("results").findValuesAsText("uid");
        List<String> all = gw.get("/library/api/libraries/?include_workspace=true", erin)
                .json()
                .path("results")
                .findValuesAsText("uid");
        assertThat(plain).containsExactly(library);
        assertThat(all).hasSize(2).contains(library);
        assertThat(gw.get("/library/api/libraries/?with_item_count=false", erin)
                        .json()
                        .path("results")
                        .get(0)
                        .has("item_count"))
                .isFalse();

        TestGateway.Response collection =
                gw.post("/library/api/collections/", erin, Map.of("library_uid", library, "name", "Pumps"));
        assertThat(collection.status()).isEqualTo(201);
        String collectionUid = collection.json().path("uid").asText();
        assertThat(gw.put("/library/api/collections/" + collectionUid + "/", erin, Map.of("name", "Pumps & valves"))
                        .json()
                        .path("name")
                        .asText())
                .isEqualTo("Pumps & valves");
        assertThat(gw.get("/library/api/collections/?library_uid=" + library, erin)
                        .json()
                        .path("results")
                        .findValuesAsText("uid"))
                .containsExactly(collectionUid);

        TestGateway.Response item = gw.send(gw.multipart(
                "/library/api/items/",
                erin,
                Map.of("library_uid", library, "collection_uid", collectionUid),
                "centrifugal.md",
                "# Centrifugal pumps\n\nPriming removes air from the impeller casing before start-up."));
        assertThat(item.status()).as(item.raw().body()).isEqualTo(201);
        String itemUid = item.json().path("item_uid").asText();
        TestGateway.Response got = gw.get("/library/api/items/" + itemUid + "/", erin);
        assertThat(got.json().path("title").asText()).isEqualTo("centrifugal");
        assertThat(got.json().path("file_type").asText()).isEqualTo("md");
        assertThat(got.json().path("collection_uid").asText()).isEqualTo(collectionUid);
        assertThat(gw.put("/library/api/items/" + itemUid + "/", erin, Map.of("title", "Pump priming"))
                        .json()
                        .path("title")
                        .asText())
                .isEqualTo("Pump priming");
        assertThat(gw.get("/library/api/items/?collection_uid=" + collectionUid, erin)
                        .json()
                        .path("results")
                        .findValuesAsText("uid"))
                .containsExactly(itemUid);
        assertThat(gw.get("/library/api/libraries/" + library + "/", erin)
                        .json()
                        .path("item_count")
                        .asInt())
                .isEqualTo(1);

        TestGateway.Response binary =
                gw.send(gw.multipart("/library/api/items/", erin, Map.of("library_uid", library), "setup.exe", "MZ"));
        assertThat(binary.status()).isEqualTo(415);
        assertThat(binary.code()).isEqualTo("unsupported_file_type");
        TestGateway.Response broken = gw.send(gw.multipart(
                "/library/api/items/", erin, Map.of("library_uid", library), "scan.pdf", "%PDF-1.4 truncated"));
        assertThat(broken.status()).isEqualTo(422);
        assertThat(broken.code()).isEqualTo("ingest_failed");
        assertThat(broken.json().path("detail").asText()).contains("could not be parsed");

        assertThat(gw.delete("/library/api/collections/" + collectionUid + "/", erin)
                        .status())
                .isEqualTo(204);
        assertThat(gw.get("/library/api/items/" + itemUid + "/", erin).status()).isEqualTo(404);
        assertThat(gw.delete("/library/api/libraries/" + library + "/", erin).status())
                .isEqualTo(204);
        assertThat(gw.get("/library/api/libraries/" + library + "/", erin).status())
                .isEqualTo(404);
    }

    @Test
    void tokensAndUsers() {
        String frank = gw.user("frank");
        TestGateway.Response created =
                gw.post("/api/tokens/", frank, Map.of("name", "ci", "allowed_tools", List.of("search")));
        String plaintext = created.json().path("token").asText();
        assertThat(plaintext).startsWith("mnemo_");
        TestGateway.Response list = gw.get("/api/tokens/", frank);
        assertThat(list.status()).isEqualTo(200);
        String body = list.raw().body();
        assertThat(body).doesNotContain(plaintext).doesNotContain("hash");
        JsonNode ci = null;
        for (JsonNode t : list.json().path("results")) {
            if ("ci".equals(t.path("name").asText())) {
                ci = t;
            }
        }
        assertThat(ci).isNotNull();
        assertThat(ci.path("prefix").asText()).endsWith("…").hasSizeLessThan(16);
        assertThat(plaintext).startsWith(ci.path("prefix").asText().replace("…", ""));
        assertThat(ci.path("allowed_tools").findValuesAsText("")).isEmpty();
        assertThat(ci.path("allowed_tools").get(0).asText()).isEqualTo("search");
        assertThat(ci.path("last_used_at").isNull()).isTrue();
        gw.get("/library/api/libraries/", plaintext);
        JsonNode used = gw.get("/api/tokens/", frank).json().path("results");
        assertThat(used.findValuesAsText("last_used_at")).isNotEmpty();
        // Only a hash is stored.
        long stored = (long) gw.db()
                .executeTransactionally(
                        "MATCH (t:ApiToken) WHERE any(k IN keys(t) WHERE " + "t[k] = $plain) RETURN count(t) AS n",
                        Map.of("plain", plaintext),
                        r -> r.next().get("n"));
        assertThat(stored).isZero();

        assertThat(gw.post("/api/users/", frank, Map.of("id", "mallory", "name", "M"))
                        .code())
                .isEqualTo("admin_required");
        assertThat(gw.post("/api/users/", TestGateway.ADMIN_TOKEN, Map.of("id", "frank", "name", "again"))
                        .code())
                .isEqualTo("user_exists");
        assertThat(gw.get("/api/users/", TestGateway.ADMIN_TOKEN)
                        .json()
                        .path("results")
                        .findValuesAsText("id"))
                .contains("admin", "frank");
        String other = gw.user("grace");
        String graceTokenId = gw.get("/api/tokens/", other)
                .json()
                .path("results")
                .get(0)
                .path("id")
                .asText();
        assertThat(gw.delete("/api/tokens/" + graceTokenId + "/", frank).status())
                .isEqualTo(404);
        assertThat(gw.get("/library/api/libraries/", other).status()).isEqualTo(200);
    }

    @Test
    void trailingSlashesAreOptional() {
        String token = gw.user("slashes");
        assertThat(gw.get("/library/api/libraries/", token).status()).isEqualTo(200);
        assertThat(gw.get("/library/api/libraries", token).status()).isEqualTo(200);
        assertThat(gw.get("/live/", null).status()).isEqualTo(200);
        assertThat(gw.get("/live", null).status()).isEqualTo(200);
    }

    @Test
    void liveReadyMetricsAndOpenApi() {
        assertThat(gw.get("/live/", null).json().path("status").asText()).isEqualTo("ok");
        TestGateway.Response ready = gw.get("/ready/", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("checks").path("neo4j").path("status").asText())
                .isEqualTo("ok");
        assertThat(ready.json().path("checks").path("schema").path("status").asText())
                .isEqualTo("ok");
        assertThat(ready.json().path("checks").path("embedder").path("status").asText())
                .isEqualTo("ok");

        String token = gw.user("metrics-reader");
        String secretQuery = "zanzibar-quokka-" + System.nanoTime();
        gw.post("/library/api/search/", token, Map.of("query", secretQuery));
        TestGateway.Response metrics = gw.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw().body())
                .contains("mnemo_http_requests_total{method=\"POST\",route=\"/library/api/search\",status=\"200\"}")
                .contains("mnemo_http_request_duration_seconds")
                .doesNotContain(secretQuery)
                .doesNotContain(token);

        JsonNode openapi = gw.get("/openapi.json", null).json();
        assertThat(openapi.path("openapi").asText()).startsWith("3.");
        List<String> documented = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = openapi.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue()
                    .fieldNames()
                    .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " "
                            + path.getKey().replaceAll("/$", "")));
        }
        List<String> served = gw.gateway.server().servedRoutes().stream()
                .map(r -> r.replaceAll("/$", ""))
                .toList();
        assertThat(served).hasSizeGreaterThan(30);
        assertThat(documented).containsAll(served);
    }
}
