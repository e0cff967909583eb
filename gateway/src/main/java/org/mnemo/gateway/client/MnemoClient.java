package org.mnemo.gateway.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Bookmark;
import org.neo4j.driver.BookmarkManager;
import org.neo4j.driver.BookmarkManagerConfig;
import org.neo4j.driver.BookmarkManagers;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * The gateway's only way into the database: fixed Cypher with parameters — {@code CALL mnemo.…} here, the
 * authentication data in {@code auth.AuthStore}, ingest jobs in {@code ingest.JobStore} — never text built from
 * a request. Read procedures run in read
 * transactions (a cluster may serve them from any member), writes in write transactions, and procedures that
 * commit batches of their own (ingest, cascades) as auto-commit calls.
 */
public final class MnemoClient implements AutoCloseable {
    /** How a statement is run. */
    public enum Mode {
        READ,
        WRITE,
        AUTO_COMMIT
    }

    private static final int RETRY_SECONDS = 5;

    private final Driver driver;
    private final java.util.concurrent.atomic.LongAdder writeStatements = new java.util.concurrent.atomic.LongAdder();
    private final TransactionConfig queryConfig;
    private final TransactionConfig longConfig;
    /**
     * Read-your-writes, also on a cluster: every session of this gateway passes the bookmarks of the writes before
     * it, so a read served by a follower waits until that follower has them. Callers that move between gateways
     * carry them over in {@code X-Mnemo-Bookmark} ({@link #afterBookmarks}).
     */
    private final BookmarkManager bookmarks =
            BookmarkManagers.defaultManager(BookmarkManagerConfig.builder().build());

    private static final ThreadLocal<Set<Bookmark>> AFTER = new ThreadLocal<>();

    public MnemoClient(String uri, String user, String password) {
        this(uri, user, password, Duration.ofSeconds(30), Duration.ofHours(1));
    }

    /**
     * {@code queryTimeout} bounds every read and write transaction (a request's work); {@code longTimeout} the
     * auto-commit calls of procedures that commit batches of their own (ingest, cascade deletes).
     */
    public MnemoClient(String uri, String user, String password, Duration queryTimeout, Duration longTimeout) {
        this.queryConfig = TransactionConfig.builder().withTimeout(queryTimeout).build();
        this.longConfig = TransactionConfig.builder().withTimeout(longTimeout).build();
        // Managed transactions retry transient failures (a cluster electing a leader) for a few seconds, not
        // the driver's default 30: an HTTP caller is waiting.
        this.driver = GraphDatabase.driver(
                uri,
                AuthTokens.basic(user, password),
                Config.builder()
                        .withMaxTransactionRetryTime(RETRY_SECONDS, TimeUnit.SECONDS)
                        .withConnectionTimeout(RETRY_SECONDS, TimeUnit.SECONDS)
                        .withConnectionAcquisitionTimeout(2 * RETRY_SECONDS, TimeUnit.SECONDS)
                        .build());
    }

    public void verifyConnectivity() {
        driver.verifyConnectivity();
    }

    /**
     * How many statements this client has sent in write or auto-commit mode: only those can write (a read
     * transaction that tries is refused by Neo4j), so searches are proven read-only by this count staying still.
     */
    public long writeStatements() {
        return writeStatements.sum();
    }

    /** Runs a statement; a procedure's argument error becomes a {@link ProcedureFailure}. */
    public List<Map<String, Object>> rows(Mode mode, String cypher, Map<String, Object> params) {
        return run(mode, cypher, params, Record::asMap);
    }

    /** Runs a procedure call, each row mapped onto {@code type} by the driver (components by output field name). */
    public <T extends java.lang.Record> List<T> rows(
            Mode mode, String cypher, Map<String, Object> params, Class<T> type) {
        return run(mode, cypher, params, record -> record.as(type));
    }

    /** The first row as {@code type}, or null. */
    public <T extends java.lang.Record> T row(Mode mode, String cypher, Map<String, Object> params, Class<T> type) {
        List<T> rows = rows(mode, cypher, params, type);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private <T> List<T> run(Mode mode, String cypher, Map<String, Object> params, Function<Record, T> map) {
        if (mode != Mode.READ) {
            writeStatements.increment();
        }
        SessionConfig.Builder config = SessionConfig.builder().withBookmarkManager(bookmarks);
        Set<Bookmark> after = AFTER.get();
        if (after != null) {
            config.withBookmarks(after);
        }
        try (Session session = driver.session(config.build())) {
            return switch (mode) {
                case READ ->
                    session.executeRead(
                            tx -> retryable(() -> tx.run(cypher, params).list(map)), queryConfig);
                case WRITE ->
                    session.executeWrite(
                            tx -> retryable(() -> tx.run(cypher, params).list(map)), queryConfig);
                case AUTO_COMMIT -> autoCommit(session, cypher, params, map);
            };
        } catch (ClientException e) {
            ProcedureFailure failure = ProcedureFailure.of(e);
            throw failure != null ? failure : e;
        }
    }

    /**
     * A statement that failed because a concurrent delete removed a node it had found (reads are read-committed, so
     * an index can hand out a node that is gone by the time its properties are read) is worth running again: as a
     * transient error, the driver's retry runs the transaction anew.
     */
    private static <T> List<T> retryable(Supplier<List<T>> run) {
        try {
            return run.get();
        } catch (ClientException e) {
            if (deletedMeanwhile(e)) {
                throw new TransientException("Mnemo.TransientError.DeletedMeanwhile", e.getMessage());
            }
            throw e;
        }
    }

    static boolean deletedMeanwhile(ClientException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("EntityNotFoundException") || message.contains("NotFoundException");
    }

    private static final int AUTO_COMMIT_ATTEMPTS = 4;

    /**
     * An auto-commit statement (a procedure that commits transactions of its own), run again like the others: after
     * a concurrent delete, or a transient error (a lock wait that timed out, a deadlock) — the statements sent this
     * way (ingest by content hash, cascade deletes) are idempotent.
     */
    private <T> List<T> autoCommit(
            Session session, String cypher, Map<String, Object> params, Function<Record, T> map) {
        for (int attempt = 1; ; attempt++) {
            try {
                return session.run(cypher, params, longConfig).list(map);
            } catch (ClientException e) {
                if (attempt == AUTO_COMMIT_ATTEMPTS || !deletedMeanwhile(e)) {
                    throw e;
                }
            } catch (TransientException e) {
                if (attempt == AUTO_COMMIT_ATTEMPTS) {
                    throw e;
                }
                backOff(attempt);
            }
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(200L * attempt
                    + java.util.concurrent.ThreadLocalRandom.current().nextLong(100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }

    /**
     * Makes this thread's next calls read after the writes these bookmarks stand for (a request's
     * {@code X-Mnemo-Bookmark}, written by another gateway); null clears it. Values Neo4j cannot parse fail the
     * call (400 {@code invalid_bookmark}).
     */
    public static void afterBookmarks(String header) {
        if (header == null || header.isBlank() || header.length() > 4096) {
            AFTER.remove();
            return;
        }
        Set<Bookmark> set = new HashSet<>();
        for (String value : header.split(",")) {
            if (!value.isBlank()) {
                set.add(Bookmark.from(value.strip()));
            }
        }
        AFTER.set(set);
    }

    /** The bookmarks of this gateway's latest writes, for {@code X-Mnemo-Bookmark}. */
    public String bookmarks() {
        StringBuilder out = new StringBuilder();
        for (Bookmark bookmark : bookmarks.getBookmarks()) {
            for (String value : bookmark.values()) {
                out.append(out.isEmpty() ? "" : ",").append(value);
            }
        }
        return out.toString();
    }

    /** The first row, or null. */
    public Map<String, Object> row(Mode mode, String cypher, Map<String, Object> params) {
        List<Map<String, Object>> rows = rows(mode, cypher, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Resolves a credential (a read: any cluster member may answer). */
    public Rows.Resolution resolve(Map<String, Object> credential) {
        return row(
                Mode.READ,
                "CALL mnemo.access.resolve($credential)",
                Map.of("credential", credential),
                Rows.Resolution.class);
    }

    /** The role (reader, writer, owner) a principal holds on a workspace, or null. */
    public String role(String principal, String workspaceId) {
        Rows.WorkspaceRole row = row(
                Mode.READ,
                "CALL mnemo.access.role($p, $ws)",
                Map.of("p", principal, "ws", workspaceId),
                Rows.WorkspaceRole.class);
        return row == null ? null : row.role();
    }

    /** Finishes interrupted deletes and cleans abandoned half-written items (mnemo.maintenance.recover). */
    public Rows.Recovered recover() {
        return row(Mode.AUTO_COMMIT, "CALL mnemo.maintenance.recover()", Map.of(), Rows.Recovered.class);
    }

    /**
     * The plugin's own metrics (embedder, search legs) in the Neo4j process that answers this read: one row per
     * series, as mnemo.metrics() lists them.
     */
    public List<Rows.MetricSample> pluginMetrics() {
        return rows(Mode.READ, "CALL mnemo.metrics()", Map.of(), Rows.MetricSample.class);
    }

    public void applySchema() {
        rows(Mode.AUTO_COMMIT, "CALL mnemo.schema.apply()", Map.of());
    }

    /**
     * Has the plugin read what its search cache keeps (mnemo.cache.warm): a read that may take as long as reading
     * every chunk vector once, hence the long timeout.
     */
    public Rows.CacheWarmed warmCache() {
        try (Session session = driver.session()) {
            return session.executeRead(
                    tx -> tx.run("CALL mnemo.cache.warm()").single().as(Rows.CacheWarmed.class), longConfig);
        }
    }

    public List<Rows.IndexStatus> schemaStatus() {
        return rows(Mode.READ, "CALL mnemo.schema.status()", Map.of(), Rows.IndexStatus.class);
    }

    /** The embedder's model and dimension, without the vector. */
    public Rows.Embedding embed(String text) {
        return row(
                Mode.READ,
                "CALL mnemo.embed($text) YIELD model, dimension RETURN model, dimension",
                Map.of("text", text),
                Rows.Embedding.class);
    }

    /** The uid of the library with this name, or null. Reads with the admin's all-libraries scope. */
    public String libraryUid(String name) {
        Rows.Library row = libraryGet(name, List.of("*"));
        return row == null ? null : row.uid();
    }

    /** Returns the uid of the named library, creating it with the given type when it does not exist. */
    public String ensureLibrary(String name, String type) {
        return libraryCreate(name, type, Map.of()).uid();
    }

    public Rows.Library libraryCreate(String name, String type, Map<String, Object> options) {
        return row(
                Mode.WRITE,
                "CALL mnemo.library.create($name, $type, $options)",
                Map.of("name", name, "type", type, "options", options),
                Rows.Library.class);
    }

    public Rows.Library libraryGet(String uidOrName, List<String> libraries) {
        return row(
                Mode.READ,
                "CALL mnemo.library.get($uid, $libraries)",
                Map.of("uid", uidOrName, "libraries", libraries),
                Rows.Library.class);
    }

    public List<Rows.Library> libraryList(List<String> libraries, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.library.list($libraries, $options)",
                Map.of("libraries", libraries, "options", options),
                Rows.Library.class);
    }

    public Rows.Library libraryUpdate(String uid, Map<String, Object> changes) {
        return row(
                Mode.WRITE,
                "CALL mnemo.library.update($uid, $changes)",
                Map.of("uid", uid, "changes", changes),
                Rows.Library.class);
    }

    public Rows.LibraryDeleted libraryDelete(String uid) {
        return row(Mode.AUTO_COMMIT, "CALL mnemo.library.delete($uid)", Map.of("uid", uid), Rows.LibraryDeleted.class);
    }

    public Rows.Collection collectionCreate(String library, String name, Map<String, Object> options) {
        return row(
                Mode.WRITE,
                "CALL mnemo.collection.create($library, $name, $options)",
                Map.of("library", library, "name", name, "options", options),
                Rows.Collection.class);
    }

    public Rows.Collection collectionGet(String uid, List<String> libraries) {
        return row(
                Mode.READ,
                "CALL mnemo.collection.get($uid, $libraries)",
                Map.of("uid", uid, "libraries", libraries),
                Rows.Collection.class);
    }

    public List<Rows.Collection> collectionList(List<String> libraries, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.collection.list($libraries, $options)",
                Map.of("libraries", libraries, "options", options),
                Rows.Collection.class);
    }

    public Rows.Collection collectionUpdate(String uid, Map<String, Object> changes) {
        return row(
                Mode.WRITE,
                "CALL mnemo.collection.update($uid, $changes)",
                Map.of("uid", uid, "changes", changes),
                Rows.Collection.class);
    }

    public Rows.CollectionDeleted collectionDelete(String uid) {
        return row(
                Mode.AUTO_COMMIT,
                "CALL mnemo.collection.delete($uid)",
                Map.of("uid", uid),
                Rows.CollectionDeleted.class);
    }

    public Rows.Item itemGet(String uid, List<String> libraries) {
        return row(
                Mode.READ,
                "CALL mnemo.item.get($uid, $libraries)",
                Map.of("uid", uid, "libraries", libraries),
                Rows.Item.class);
    }

    public List<Rows.Item> itemList(List<String> libraries, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.item.list($libraries, $options)",
                Map.of("libraries", libraries, "options", options),
                Rows.Item.class);
    }

    public Rows.Item itemUpdate(String uid, Map<String, Object> changes) {
        return row(
                Mode.WRITE,
                "CALL mnemo.item.update($uid, $changes)",
                Map.of("uid", uid, "changes", changes),
                Rows.Item.class);
    }

    public Rows.ItemDeleted itemDelete(String uid) {
        return row(Mode.AUTO_COMMIT, "CALL mnemo.item.delete($uid)", Map.of("uid", uid), Rows.ItemDeleted.class);
    }

    public Rows.Ingested ingest(String libraryUid, String text, Map<String, Object> item) {
        // mnemo.ingest commits in transactions of its own; an auto-commit call is the right shape for it.
        return row(
                Mode.AUTO_COMMIT,
                "CALL mnemo.ingest($library, $text, $item)",
                Map.of("library", libraryUid, "text", text, "item", item),
                Rows.Ingested.class);
    }

    /** Many small documents of one library in one transaction: one row per document, in order. */
    public List<Rows.Ingested> ingestBatch(String libraryUid, List<Map<String, Object>> documents) {
        return rows(
                Mode.AUTO_COMMIT,
                "CALL mnemo.ingest.batch($library, $documents)",
                Map.of("library", libraryUid, "documents", documents),
                Rows.Ingested.class);
    }

    public List<Rows.Hit> search(String query, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.search($query, $options)",
                Map.of("query", query, "options", options),
                Rows.Hit.class);
    }

    public List<Rows.Hit> search(String query, List<String> libraries, int limit) {
        return search(query, Map.of("libraries", libraries, "limit", limit));
    }

    public Rows.Chunk chunkGet(String uid, List<String> libraries) {
        return row(
                Mode.READ,
                "CALL mnemo.chunk.get($uid, $libraries)",
                Map.of("uid", uid, "libraries", libraries),
                Rows.Chunk.class);
    }

    /** A chunk of an item as {@link #itemChunks} lists it. */
    public record ChunkPreview(String chunk_uid, long chunk_index, String text_preview) {}

    /**
     * An item's chunks in document order with a preview; none when the item is not in {@code libraries}
     * (mnemo.item.get checks that in the same transaction). No procedure lists chunks, so this reads the documented
     * graph model (docs/graph-model.md) behind the procedure's scope check.
     */
    public List<ChunkPreview> itemChunks(String itemUid, List<String> libraries, int limit, int offset) {
        return rows(
                Mode.READ,
                """
                CALL mnemo.item.get($uid, $libraries) YIELD uid
                MATCH (:Item {uid: uid})-[:HAS_CHUNK]->(c:Chunk)
                RETURN c.uid AS chunk_uid, c.chunk_index AS chunk_index, left(c.text, 300) AS text_preview
                ORDER BY c.chunk_index SKIP $offset LIMIT $limit""",
                Map.of("uid", itemUid, "libraries", libraries, "limit", limit, "offset", offset),
                ChunkPreview.class);
    }

    public List<Rows.Neighbour> neighbours(String start, List<String> libraries, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.graph.neighbors($start, $libraries, $options)",
                Map.of("start", start, "libraries", libraries, "options", options),
                Rows.Neighbour.class);
    }

    /** A workspace's namespaces as a caller with this grant ({principal, max_role}; empty = trusted) sees them. */
    public Rows.Namespaces namespaces(String workspaceId, Map<String, Object> grant) {
        return row(
                Mode.READ,
                "CALL mnemo.namespace.resolve($ws, $grant)",
                Map.of("ws", workspaceId, "grant", grant),
                Rows.Namespaces.class);
    }

    /** Workspace tree calls act {@code as} a principal (null: the trusted caller), checked in the procedure. */
    private static Map<String, Object> as(String as) {
        Map<String, Object> options = new HashMap<>();
        if (as != null) {
            options.put("as", as);
        }
        return options;
    }

    public Rows.Workspace workspaceUpsert(String id, Map<String, Object> fields, String as) {
        return row(
                Mode.WRITE,
                "CALL mnemo.workspace.upsert($id, $fields, $options)",
                Map.of("id", id, "fields", fields, "options", as(as)),
                Rows.Workspace.class);
    }

    /** Upserts many workspaces of the tree in one transaction (mnemo.workspace.sync); one row per workspace. */
    public List<Rows.Workspace> workspaceSync(List<Map<String, Object>> workspaces, String as) {
        return rows(
                Mode.WRITE,
                "CALL mnemo.workspace.sync($workspaces, $options)",
                Map.of("workspaces", workspaces, "options", as(as)),
                Rows.Workspace.class);
    }

    public Rows.Workspace workspaceGet(String id, String as) {
        return row(
                Mode.READ,
                "CALL mnemo.workspace.get($id, $options)",
                Map.of("id", id, "options", as(as)),
                Rows.Workspace.class);
    }

    public Rows.Purged workspaceDelete(String id, String as) {
        return row(
                Mode.WRITE,
                "CALL mnemo.workspace.delete($id, $options)",
                Map.of("id", id, "options", as(as)),
                Rows.Purged.class);
    }

    public Rows.Member workspaceGrant(String id, String principal, String role, String as) {
        return row(
                Mode.WRITE,
                "CALL mnemo.workspace.grant($id, $principal, $role, $options)",
                Map.of("id", id, "principal", principal, "role", role, "options", as(as)),
                Rows.Member.class);
    }

    public boolean workspaceRevoke(String id, String principal, String as) {
        return row(
                        Mode.WRITE,
                        "CALL mnemo.workspace.revoke($id, $principal, $options)",
                        Map.of("id", id, "principal", principal, "options", as(as)),
                        Rows.Revoked.class)
                .revoked();
    }

    public List<Rows.Member> workspaceMembers(String id, String as) {
        return rows(
                Mode.READ,
                "CALL mnemo.workspace.members($id, $options)",
                Map.of("id", id, "options", as(as)),
                Rows.Member.class);
    }

    /** A principal's memberships, active and pending. */
    public List<Rows.Membership> memberships(String principal) {
        return rows(Mode.READ, "CALL mnemo.membership.list($p)", Map.of("p", principal), Rows.Membership.class);
    }

    public Rows.Membership membershipAccept(String principal, String workspaceId) {
        return row(
                Mode.WRITE,
                "CALL mnemo.membership.accept($p, $ws)",
                Map.of("p", principal, "ws", workspaceId),
                Rows.Membership.class);
    }

    public Rows.Membership membershipLeave(String principal, String workspaceId) {
        return row(
                Mode.WRITE,
                "CALL mnemo.membership.leave($p, $ws)",
                Map.of("p", principal, "ws", workspaceId),
                Rows.Membership.class);
    }

    public Rows.Committed memoryCommit(
            String workspaceId, Map<String, Object> memory, String actor, Map<String, Object> grant) {
        Map<String, Object> options = new HashMap<>(grant);
        options.put("actor", actor);
        return row(
                Mode.WRITE,
                "CALL mnemo.memory.commit($ws, $memory, $options)",
                Map.of("ws", workspaceId, "memory", memory, "options", options),
                Rows.Committed.class);
    }

    public List<Rows.Memory> memorySearch(String workspaceId, String query, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.memory.search($ws, $query, $options)",
                Map.of("ws", workspaceId, "query", query, "options", options),
                Rows.Memory.class);
    }

    /** Forgets a memory by id (in {@code namespace} when given: ids are per namespace). */
    public boolean memoryForget(
            String workspaceId, String id, String namespace, String actor, Map<String, Object> grant) {
        Map<String, Object> options = new HashMap<>(grant);
        options.put("actor", actor);
        if (namespace != null) {
            options.put("namespace", namespace);
        }
        return row(
                        Mode.WRITE,
                        "CALL mnemo.memory.forget($ws, $id, $options)",
                        Map.of("ws", workspaceId, "id", id, "options", options),
                        Rows.Forgotten.class)
                .forgotten();
    }

    public List<Map<String, Object>> memoryExport(List<String> namespaces) {
        return rows(Mode.READ, "CALL mnemo.memory.export($ns)", Map.of("ns", namespaces), Rows.Exported.class).stream()
                .map(Rows.Exported::memory)
                .toList();
    }

    public Rows.Imported memoryImport(List<Map<String, Object>> memories, String actor) {
        return row(
                Mode.WRITE,
                "CALL mnemo.memory.import($memories, {actor: $actor})",
                Map.of("memories", memories, "actor", actor),
                Rows.Imported.class);
    }

    /** Sets a v1 namespace's description and/or metadata (JSON text); a field not set keeps its value. */
    public Map<String, Object> namespaceMetadata(
            String name, boolean setDescription, String description, boolean setMetadata, String metadata) {
        Map<String, Object> params = new HashMap<>();
        params.put("name", name);
        params.put("setDescription", setDescription);
        params.put("description", description);
        params.put("setMetadata", setMetadata);
        params.put("metadata", metadata);
        return row(Mode.WRITE, """
                MERGE (n:MemoryNamespace {name: $name})
                ON CREATE SET n.created_at = datetime()
                SET n.updated_at = datetime(),
                    n.description = CASE WHEN $setDescription THEN $description ELSE n.description END,
                    n.metadata = CASE WHEN $setMetadata THEN $metadata ELSE coalesce(n.metadata, '{}') END
                RETURN n.name AS name, n.description AS description, n.metadata AS metadata""", params);
    }

    public void deleteNamespaceMetadata(String name) {
        rows(Mode.WRITE, "MATCH (n:MemoryNamespace {name: $name}) DELETE n", Map.of("name", name));
    }

    /** Purges a namespace acting as a workspace with this grant (owner role needed), audited with the actor. */
    public Rows.Purged memoryPurge(String namespace, String workspaceId, String actor, Map<String, Object> grant) {
        Map<String, Object> options = new HashMap<>(grant);
        options.put("workspace_id", workspaceId);
        options.put("actor", actor);
        return row(
                Mode.WRITE,
                "CALL mnemo.memory.purge($ns, $options)",
                Map.of("ns", namespace, "options", options),
                Rows.Purged.class);
    }

    // ---- the context engine: every call acts as the principal whose projects, memories and packs it reaches

    public List<Rows.Project> projectList(String principal) {
        return rows(Mode.READ, "CALL mnemo.project.list({principal: $p})", Map.of("p", principal), Rows.Project.class);
    }

    public Rows.Project projectGet(String name, String principal) {
        return row(
                Mode.READ,
                "CALL mnemo.project.get($name, {principal: $p})",
                Map.of("name", name, "p", principal),
                Rows.Project.class);
    }

    public Rows.Project projectRegister(String id, Map<String, Object> options) {
        return row(
                Mode.WRITE, "CALL mnemo.project.register($id, $o)", Map.of("id", id, "o", options), Rows.Project.class);
    }

    public Rows.Project projectUpdate(String name, Map<String, Object> changes) {
        return row(
                Mode.WRITE,
                "CALL mnemo.project.update($name, $o)",
                Map.of("name", name, "o", changes),
                Rows.Project.class);
    }

    /** Whether a project id or alias is taken, and by which project when it is the principal's. */
    public record ProjectName(boolean taken, String holder) {}

    /** No procedure checks a name without registering it: this reads the ProjectName nodes the registry keeps. */
    public ProjectName projectName(String name, String principal) {
        return row(Mode.READ, """
                OPTIONAL MATCH (:ProjectName {key: toLower(trim($name))})-[:NAMES]->(p:Project)
                RETURN p IS NOT NULL AS taken, CASE WHEN p.owner = $p THEN p.id END AS holder""", Map.of("name", name, "p", principal), ProjectName.class);
    }

    /** The libraries a project links, by id or alias; none when the principal has no such project. */
    public record ProjectLibraries(List<String> libraries) {}

    public ProjectLibraries projectLibraries(String name, String principal) {
        return row(Mode.READ, """
                CALL mnemo.project.resolve($name, {principal: $p}) YIELD id
                OPTIONAL MATCH (p:Project {id: id}) WHERE p.owner = $p
                RETURN [(p)-[:USES_LIBRARY]->(l) | l.uid] AS libraries""", Map.of("name", name, "p", principal), ProjectLibraries.class);
    }

    public List<Rows.ProjectState> projectStateList(String project, Map<String, Object> options) {
        return rows(
                Mode.READ,
                "CALL mnemo.project.state.list($project, $o)",
                Map.of("project", project, "o", options),
                Rows.ProjectState.class);
    }

    public Rows.ProjectState projectStateSet(
            String project, String category, String key, String value, Map<String, Object> options) {
        return row(
                Mode.WRITE,
                "CALL mnemo.project.state.set($project, $category, $key, $value, $o)",
                Map.of("project", project, "category", category, "key", key, "value", value, "o", options),
                Rows.ProjectState.class);
    }

    public Rows.StateInvalidated projectStateInvalidate(String project, String category, String key, String principal) {
        return row(
                Mode.WRITE,
                "CALL mnemo.project.state.invalidate($project, $category, $key, {principal: $p})",
                Map.of("project", project, "category", category, "key", key, "p", principal),
                Rows.StateInvalidated.class);
    }

    /** Builds a pack and stores it as the principal's last: a write. */
    public Rows.Pack contextBuild(String prompt, Map<String, Object> options) {
        return row(
                Mode.WRITE,
                "CALL mnemo.context.build($prompt, $o)",
                Map.of("prompt", prompt, "o", options),
                Rows.Pack.class);
    }

    /** The principal's last pack, or null before its first. */
    public Rows.LastPack contextLast(String principal) {
        return row(Mode.READ, "CALL mnemo.context.last({principal: $p})", Map.of("p", principal), Rows.LastPack.class);
    }

    /** How many of a pack's chunks are in {@code libraries}, and of its memories are the principal's and active. */
    public record Readable(long chunks, long memories) {}

    /** No procedure checks a stored pack's sources: this reads the documented graph model (docs/graph-model.md). */
    public Readable readable(List<String> chunks, List<String> memories, List<String> libraries, String principal) {
        return row(
                Mode.READ,
                """
                CALL { UNWIND $chunks AS uid
                       MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(:Chunk {uid: uid})
                       WHERE '*' IN $libraries OR l.uid IN $libraries RETURN count(*) AS chunks }
                CALL { UNWIND $memories AS id MATCH (m:Memory {id: id}) WHERE m.owner = $p AND m.status = 'active'
                       RETURN count(DISTINCT m) AS memories }
                RETURN chunks, memories""",
                Map.of("chunks", chunks, "memories", memories, "libraries", libraries, "p", principal),
                Readable.class);
    }

    /** A principal's own counts: projects, active state entries, context memories by status, interactions. */
    public record ContextCounts(
            long projects, long state_entries, long active_memories, long candidate_memories, long interactions) {}

    public ContextCounts contextCounts(String principal) {
        return row(Mode.READ, """
                CALL { MATCH (p:Project {owner: $p}) RETURN count(p) AS projects }
                CALL { MATCH (p:Project {owner: $p})-[:HAS_STATE]->(s {status: 'active'}) RETURN count(s) AS state }
                CALL { MATCH (m:Memory {owner: $p}) WHERE m.memory_type IS NOT NULL
                       RETURN count(CASE m.status WHEN 'active' THEN 1 END) AS active_memories,
                              count(CASE m.status WHEN 'candidate' THEN 1 END) AS candidate_memories }
                CALL { MATCH (i:Interaction {owner: $p}) RETURN count(i) AS interactions }
                RETURN projects, state AS state_entries, active_memories, candidate_memories, interactions""", Map.of("p", principal), ContextCounts.class);
    }

    public Rows.Recorded interactionRecord(String prompt, Map<String, Object> options) {
        return row(
                Mode.WRITE,
                "CALL mnemo.interaction.record($prompt, $o)",
                Map.of("prompt", prompt, "o", options),
                Rows.Recorded.class);
    }

    public List<Rows.Interaction> interactionList(Map<String, Object> options) {
        return rows(Mode.READ, "CALL mnemo.interaction.list($o)", Map.of("o", options), Rows.Interaction.class);
    }

    public Rows.Interaction interactionGet(String id, String principal) {
        return row(
                Mode.READ,
                "CALL mnemo.interaction.get($id, {principal: $p})",
                Map.of("id", id, "p", principal),
                Rows.Interaction.class);
    }

    public Rows.Reinforced interactionReinforce(String id, String principal) {
        return row(
                Mode.WRITE,
                "CALL mnemo.interaction.reinforce($id, {principal: $p})",
                Map.of("id", id, "p", principal),
                Rows.Reinforced.class);
    }

    /** Candidates found in an interaction; a write, as {@code persist} stores them. */
    public List<Rows.Proposed> interactionExtract(String id, Map<String, Object> options) {
        return rows(
                Mode.WRITE,
                "CALL mnemo.interaction.extract($id, $o)",
                Map.of("id", id, "o", options),
                Rows.Proposed.class);
    }

    public List<Rows.ContextMemory> projectMemoryList(Map<String, Object> options) {
        return rows(Mode.READ, "CALL mnemo.project.memory.list($o)", Map.of("o", options), Rows.ContextMemory.class);
    }

    public Rows.ContextMemory projectMemoryAdd(String content, Map<String, Object> options) {
        return row(
                Mode.WRITE,
                "CALL mnemo.project.memory.add($content, $o)",
                Map.of("content", content, "o", options),
                Rows.ContextMemory.class);
    }

    public Rows.ContextMemory projectMemoryUpdate(String id, Map<String, Object> changes) {
        return row(
                Mode.WRITE,
                "CALL mnemo.project.memory.update($id, $o)",
                Map.of("id", id, "o", changes),
                Rows.ContextMemory.class);
    }

    /** The review queue's decisions on a context memory, a procedure each. */
    public enum Decision {
        PROMOTE("CALL mnemo.project.memory.promote($id, {principal: $p})"),
        REJECT("CALL mnemo.project.memory.reject($id, {principal: $p})");

        private final String cypher;

        Decision(String cypher) {
            this.cypher = cypher;
        }
    }

    public Rows.ContextMemory projectMemoryDecide(String id, Decision decision, String principal) {
        return row(Mode.WRITE, decision.cypher, Map.of("id", id, "p", principal), Rows.ContextMemory.class);
    }

    @Override
    public void close() {
        driver.close();
    }
}
