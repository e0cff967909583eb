package org.mnemo.gateway.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.adversarial.Tenants.Credential;
import org.mnemo.gateway.adversarial.Tenants.Kind;
import org.mnemo.gateway.adversarial.Tenants.Tenant;
import org.mnemo.gateway.rest.TestGateway;

/**
 * Adversarial, randomized: 10,000+ mixed operations (ingest, search, chunk reads, neighbours, memory commit,
 * search and forget, listings) over REST and MCP by every credential of five tenants, each aimed at a random
 * tenant's objects, with seeded random content. Every stored text carries a marker word whose readers the grant
 * model defines; every response is scanned, and any marker the caller may not read is a leak. Every write that
 * succeeds must have been allowed, and every allowed write must succeed.
 */
class RandomizedLeakTest {
    private static final int OPERATIONS = 10_000;
    private static final int THREADS = 4;
    private static final long SEED = 20261126L;
    private static final Pattern MARKER = Pattern.compile("xq[a-z]+mark");

    private enum Op {
        SEARCH,
        MCP_SEARCH,
        CHUNK,
        NEIGHBOURS,
        LIST,
        MEMORY_COMMIT,
        MEMORY_SEARCH,
        MCP_RECALL,
        FORGET,
        INGEST
    }

    private final Tenants fixture = Tenants.get();
    private final TestGateway gw = fixture.gw;
    /** marker → who may read it. */
    private final Map<String, Predicate<Credential>> readers = new ConcurrentHashMap<>();
    /** memory id → its namespace, for forgetting. */
    private final Map<String, String> memories = new ConcurrentHashMap<>();

    private final List<String> leaks = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Op, AtomicInteger> counts = new EnumMap<>(Op.class);
    private final AtomicInteger dynamic = new AtomicInteger();

    @Test
    void noCredentialEverSeesWhatItsGrantsDoNotCover() throws Exception {
        for (Op op : Op.values()) {
            counts.put(op, new AtomicInteger());
        }
        for (Tenant t : fixture.tenants) {
            t.libraries.keySet().forEach(key -> readers.put(t.markers.get(key), c -> visibleLibrary(c, t, key)));
            // The fixture's own memories are read here, never forgotten (the attack suite checks them intact).
            t.memories.forEach((ns, id) -> readers.put(
                    t.markers.get(ns),
                    c -> c.tenant() == t.index
                            && Tenants.readableNamespaces(c, t).contains(ns)));
        }
        List<Credential> credentials = fixture.credentials();
        Map<String, McpSyncClient> mcp = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int worker = 0; worker < THREADS; worker++) {
                Random random = new Random(SEED + worker);
                done.add(pool.submit(() -> {
                    for (int n = 0; n < OPERATIONS / THREADS; n++) {
                        Credential c = credentials.get(random.nextInt(credentials.size()));
                        Tenant target = fixture.tenants.get(random.nextInt(fixture.tenants.size()));
                        Op op = Op.values()[random.nextInt(Op.values().length)];
                        run(op, c, target, random, mcp.computeIfAbsent(c.name(), name -> client(c)));
                        counts.get(op).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            mcp.values().forEach(McpSyncClient::closeGracefully);
        }
        int total = counts.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.println("RandomizedLeakTest: " + total + " operations by " + credentials.size()
                + " credentials of " + fixture.tenants.size() + " tenants " + counts + "; " + readers.size()
                + " marked objects; leaks: " + leaks.size());
        assertThat(total).isGreaterThanOrEqualTo(OPERATIONS);
        assertThat(leaks).isEmpty();
    }

    private static boolean visibleLibrary(Credential c, Tenant t, String key) {
        return c.kind() != Kind.RESTRICTED && Tenants.mayRead(c, t.index, key);
    }

    private McpSyncClient client(Credential c) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(gw.url(""))
                        .endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + c.token()))
                        .build())
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    private void run(Op op, Credential c, Tenant t, Random random, McpSyncClient mcp) {
        String key = List.copyOf(t.libraries.keySet()).get(random.nextInt(t.libraries.size()));
        List<String> namespaces = List.copyOf(t.memories.keySet());
        String ns = namespaces.get(random.nextInt(namespaces.size()));
        switch (op) {
            case SEARCH ->
                scan(
                        c,
                        "search",
                        Tenants.withoutEcho(gw.post(
                                        "/library/api/search/",
                                        c.token(),
                                        Map.of("query", t.markers.get(key) + " turbine crane", "limit", 50))
                                .raw()
                                .body()));
            case MCP_SEARCH ->
                scan(
                        c,
                        "mcp search",
                        text(mcp.callTool(new McpSchema.CallToolRequest(
                                "search", Map.of("query", "harbour crane " + t.markers.get(key))))));
            case CHUNK -> {
                TestGateway.Response r = gw.get("/library/api/chunks/" + t.chunks.get(key) + "/", c.token());
                boolean allowed = visibleLibrary(c, t, key);
                if (allowed ? r.status() != 200 : r.status() == 200) {
                    leaks.add(c.name() + " chunk " + t.index + "/" + key + " answered " + r.status());
                }
                scan(c, "chunk", r.raw().body());
            }
            case NEIGHBOURS ->
                scan(
                        c,
                        "neighbours",
                        text(mcp.callTool(new McpSchema.CallToolRequest(
                                "get_concept_neighbors",
                                random.nextBoolean()
                                        ? Map.of("chunk_uid", t.chunks.get(key))
                                        : Map.of("concept", "turbine bearings", "depth", 2)))));
            case LIST -> {
                String path = List.of(
                                "/library/api/libraries/?include_workspace=true&limit=200",
                                "/library/api/items/?limit=200",
                                "/library/api/collections/?limit=200")
                        .get(random.nextInt(3));
                TestGateway.Response r = gw.get(path, c.token());
                scan(c, "list", r.raw().body());
                t.libraries.forEach((k, uid) -> {
                    if (r.raw().body().contains(uid) && !visibleLibrary(c, t, k)) {
                        leaks.add(c.name() + " listing shows library " + t.index + "/" + k);
                    }
                });
            }
            case MEMORY_COMMIT -> commit(c, t, ns);
            case MEMORY_SEARCH ->
                scan(
                        c,
                        "memory search",
                        gw.send(
                                        "POST",
                                        "/api/memory/search/",
                                        c.token(),
                                        Map.of(
                                                "query",
                                                "harbour crane keys cabinet",
                                                "namespaces",
                                                List.of(ns),
                                                "limit",
                                                50),
                                        c.headers())
                                .raw()
                                .body());
            case MCP_RECALL ->
                scan(
                        c,
                        "mcp recall",
                        text(mcp.callTool(new McpSchema.CallToolRequest(
                                "search_memory",
                                c.workspace() == null
                                        ? Map.of("query", "crane keys")
                                        : Map.of("query", "crane keys cabinet", "workspace_id", c.workspace())))));
            case FORGET -> forget(c, random);
            case INGEST -> ingest(c, t, key);
            default -> throw new IllegalStateException(op.name());
        }
    }

    private void commit(Credential c, Tenant t, String namespace) {
        boolean allowed =
                c.tenant() == t.index && Tenants.writableNamespaces(c, t).contains(namespace);
        String marker = nextMarker();
        // Registered before the write: another thread may find it the moment it commits.
        readers.put(
                marker,
                reader -> reader.tenant() == t.index
                        && Tenants.readableNamespaces(reader, t).contains(namespace));
        TestGateway.Response r = gw.send(
                "POST",
                "/api/memory/memories/",
                c.token(),
                Map.of(
                        "content",
                        "Note " + marker + ": the crane keys moved to cabinet " + t.index + ".",
                        "namespace",
                        namespace),
                c.headers());
        if (allowed != (r.status() == 201)) {
            leaks.add(c.name() + " commit into " + namespace + " (allowed " + allowed + ") answered " + r.status() + " "
                    + r.raw().body());
        }
        if (r.status() == 201) {
            memories.put(r.json().path("id").asText(), namespace);
        }
    }

    private void forget(Credential c, Random random) {
        List<String> ids = List.copyOf(memories.keySet());
        if (ids.isEmpty()) {
            return;
        }
        String id = ids.get(random.nextInt(ids.size()));
        String namespace = memories.get(id);
        if (namespace == null) {
            return;
        }
        TestGateway.Response r = gw.send("DELETE", "/api/memory/memories/" + id + "/", c.token(), null, c.headers());
        if (r.status() == 204) {
            if (!mayDestroy(c, namespace)) {
                leaks.add(c.name() + " forgot " + id + " in " + namespace);
            }
            memories.remove(id);
        }
    }

    /** Forgetting: one's private namespace as a writer; the tree's shared ones as an owner of its root. */
    private boolean mayDestroy(Credential c, String namespace) {
        Tenant t = fixture.tenants.get(c.tenant());
        if (!Tenants.writableNamespaces(c, t).contains(namespace)) {
            return false;
        }
        if (namespace.equals("workspace:" + c.workspace())) {
            return true;
        }
        return c.kind() == Kind.OWNER || c.kind() == Kind.SERVICE;
    }

    private void ingest(Credential c, Tenant t, String key) {
        boolean allowed = c.tenant() == t.index
                && switch (c.kind()) {
                    case SERVICE -> key.equals("root") || key.equals("dev");
                    case OWNER -> key.equals("root");
                    case WRITER -> key.equals("plain");
                    default -> false;
                };
        String marker = nextMarker();
        readers.put(marker, reader -> visibleLibrary(reader, t, key));
        TestGateway.Response r = gw.post(
                "/library/api/items/",
                c.token(),
                Map.of(
                        "library_uid",
                        t.libraries.get(key),
                        "title",
                        "Log " + marker,
                        "text",
                        "The turbine log " + marker + " records the crane inspection of tenant " + t.index + "."));
        if (allowed != (r.status() == 201 || r.status() == 200 || r.status() == 202)) {
            leaks.add(c.name() + " upload into " + t.index + "/" + key + " (allowed " + allowed + ") answered "
                    + r.status() + " " + r.raw().body());
        }
    }

    private String nextMarker() {
        int n = dynamic.incrementAndGet();
        StringBuilder letters = new StringBuilder();
        do {
            letters.append((char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return "xqdyn" + letters + "mark";
    }

    private static String text(McpSchema.CallToolResult result) {
        return Tenants.withoutEcho(result);
    }

    private void scan(Credential c, String what, String body) {
        Matcher m = MARKER.matcher(body);
        while (m.find()) {
            Predicate<Credential> mayRead = readers.get(m.group());
            if (mayRead == null || !mayRead.test(c)) {
                leaks.add(c.name() + " " + what + " returned " + m.group());
            }
        }
    }
}
