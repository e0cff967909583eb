package org.mnemo.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flow Daedalus runs: workspace → upload and ingest → search → delete workspace → nothing left. */
class DaedalusFlowTest {
    private final TestGateway gw = TestGateway.get();

    @Test
    void workspaceLifecycleLeavesNothingBehind() {
        String token = gw.service("daedalus-flow");
        TestGateway.Response created = gw.post(
                "/library/api/workspaces/",
                token,
                Map.of("workspace_id", "ws-flow-1", "name", "Flow workspace", "library_type", "nonfiction"));
        assertThat(created.status()).isEqualTo(201);
        String library = created.json().path("library_uid").asText();
        assertThat(created.json().path("workspace_id").asText()).isEqualTo("ws-flow-1");

        TestGateway.Response again = gw.post(
                "/library/api/workspaces",
                token,
                Map.of("workspace_id", "ws-flow-1", "name", "Flow workspace", "library_type", "nonfiction"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("library_uid").asText()).isEqualTo(library);

        TestGateway.Response upload = gw.post(
                "/library/api/items/",
                token,
                Map.of(
                        "library_uid",
                        library,
                        "title",
                        "Lighthouse keeping",
                        "text",
                        "# Lighthouses\n\nThe keeper trimmed the wick of the "
                                + "Fresnel lens every evening. Paraffin lamps replaced whale oil in coastal lighthouses."));
        assertThat(upload.status()).isEqualTo(201);
        assertThat(upload.json().path("chunk_count").asInt()).isPositive();

        TestGateway.Response search = gw.post("/library/api/search/", token, Map.of("query", "Fresnel lens keeper"));
        assertThat(search.status()).isEqualTo(200);
        JsonNode candidates = search.json().path("candidates");
        assertThat(candidates).isNotEmpty();
        JsonNode top = candidates.get(0);
        assertThat(top.path("library_uid").asText()).isEqualTo(library);
        assertThat(top.path("item_title").asText()).isEqualTo("Lighthouse keeping");
        assertThat(top.path("sources")).isNotEmpty();
        assertThat(List.of("vector", "fulltext", "graph"))
                .contains(top.path("source").asText());
        assertThat(search.json().path("total_candidates").asInt()).isEqualTo(candidates.size());
        assertThat(search.json().path("reranker_used").asBoolean()).isFalse();

        TestGateway.Response chunk =
                gw.get("/library/api/chunks/" + top.path("chunk_uid").asText() + "/", token);
        assertThat(chunk.status()).isEqualTo(200);
        assertThat(chunk.json().path("text").asText()).contains("Fresnel");

        TestGateway.Response workspace = gw.get("/library/api/workspaces/ws-flow-1/", token);
        assertThat(workspace.status()).isEqualTo(200);
        assertThat(workspace.json().path("item_count").asInt()).isEqualTo(1);
        assertThat(workspace.json().path("chunk_count").asInt()).isPositive();

        assertThat(gw.delete("/library/api/workspaces/ws-flow-1/", token).status())
                .isEqualTo(204);

        assertThat(gw.get("/library/api/workspaces/ws-flow-1/", token).status()).isEqualTo(404);
        assertThat(gw.post("/library/api/search/", token, Map.of("query", "Fresnel lens keeper"))
                        .json()
                        .path("candidates"))
                .isEmpty();
        assertThat(gw.get("/library/api/items/?library_uid=" + library, token)
                        .json()
                        .path("results"))
                .isEmpty();
        long left = (long) gw.db()
                .executeTransactionally(
                        """
                MATCH (n) WHERE (n:Library AND n.uid = $uid) OR (n:Chunk AND n.text CONTAINS 'Fresnel')
                   OR (n:Item AND n.title = 'Lighthouse keeping')
                RETURN count(n) AS n""", Map.of("uid", library), r -> r.next().get("n"));
        assertThat(left).isZero();
    }
}
