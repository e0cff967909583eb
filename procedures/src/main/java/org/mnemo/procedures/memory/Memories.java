package org.mnemo.procedures.memory;

import static org.mnemo.procedures.library.GraphModel.MENTIONS;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mnemo.procedures.concept.Keyphrases;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.namespace.Namespaces;
import org.mnemo.procedures.schema.Schema;
import org.mnemo.procedures.search.FulltextQuery;
import org.mnemo.procedures.search.Fusion;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * Memories in namespaces. Every operation is checked against the caller's resolved namespaces: commits and
 * forgets only in writable ones, searches only in readable ones. Content is redacted before anything is stored;
 * writes to {@code org:} namespaces are audited with a hash of the content, never the content.
 */
public final class Memories {
    public static final Label MEMORY = Label.label("Memory");
    static final Label AUDIT = Label.label("MemoryAudit");
    public static final List<String> KINDS = List.of("fact", "decision", "preference", "summary", "note");
    static final int MAX_CONTENT_CHARS = 20_000;
    private static final int CONCEPTS_PER_MEMORY = 8;
    private static final int LEG_TOP_K = 50;
    private static final int RRF_K = 60;
    /**
     * Default fusion, chosen on LoCoMo (docs/benchmarks/locomo-memory.md: chosen on half of the conversations,
     * checked on the other): a convex combination of vector and full-text scores, equal weights. Chat turns are
     * short, so exact words matter as much as meaning; RRF fell below the full-text leg alone. The concept leg
     * (YAKE keyphrases of a chat turn) did not help at any weight tried, so it does not count by default.
     */
    public static final Map<String, Double> DEFAULT_WEIGHTS = Map.of("vector", 1.0, "fulltext", 1.0, "graph", 0.0);
    public static final Fusion.Method DEFAULT_FUSION = Fusion.Method.CONVEX;

    /** How a memory search fuses its legs: the method and a weight per leg. */
    public record Fusing(Fusion.Method method, Map<String, Double> weights) {
        public static final Fusing DEFAULT = new Fusing(DEFAULT_FUSION, DEFAULT_WEIGHTS);
    }

    /** What to store; the procedure has checked the shapes. */
    public record Draft(String id, String namespace, String kind, String content, List<String> tags, String source,
            String expiresAt, Double confidence, List<String> derivedFrom) {}

    /**
     * A commit's outcome: {@code created} false when the id existed; then {@code updated} says whether the commit
     * changed it (an upsert) or found it as it was (an idempotent retry, or a forgotten memory, which stays so).
     */
    public record Committed(String id, String namespace, String kind, String status, boolean created,
            boolean updated, boolean redacted, ZonedDateTime created_at, ZonedDateTime expires_at) {}

    /** A search hit; {@code content} of org: memories carries the delimiter prefix. */
    public record Found(String id, String namespace, String kind, String content, List<String> tags, String source,
            Double confidence, ZonedDateTime created_at, ZonedDateTime expires_at, double score, List<String> sources,
            Map<String, Long> ranks) {}

    private final Transaction tx;
    private final Embedder embedder;

    public Memories(Transaction tx, Embedder embedder) {
        this.tx = tx;
        this.embedder = embedder;
    }

    public Committed commit(Namespaces.Resolution caller, String actor, Draft draft, Duration summaryTtl) {
        String namespace = draft.namespace() != null ? draft.namespace()
                : Namespaces.WORKSPACE_PREFIX + caller.workspace_id();
        if (!caller.writable().contains(namespace)) {
            throw new IllegalArgumentException("namespace_forbidden: workspace '" + caller.workspace_id()
                    + "' may not write to '" + namespace + "'; writable: " + caller.writable());
        }
        String kind = draft.kind() == null ? "note" : draft.kind().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("invalid_argument: 'kind' must be one of " + KINDS + ", got '"
                    + draft.kind() + "'");
        }
        if (draft.content() == null || draft.content().isBlank()) {
            throw new IllegalArgumentException("invalid_argument: 'content' must not be empty or only white space");
        }
        if (draft.content().length() > MAX_CONTENT_CHARS) {
            throw new IllegalArgumentException("invalid_argument: 'content' must be at most " + MAX_CONTENT_CHARS
                    + " characters");
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime expires = expiry(draft.expiresAt(), now);
        String id = draft.id() != null ? checkId(draft.id()) : UUID.randomUUID().toString();
        Node existing = tx.findNode(MEMORY, "key", key(namespace, id));
        if (existing != null) {
            return update(caller, existing, draft, actor, expires);
        }
        if (expires == null && "summary".equals(kind)) {
            expires = now.plus(summaryTtl);
        }
        return store(draft, namespace, kind, now, expires, actor);
    }

    /**
     * A commit of an id that exists in the namespace is an upsert: what the draft gives (content, kind, tags,
     * source, expiry, confidence) replaces what is stored; what it leaves out stays. A commit that changes nothing
     * (a retry) answers the memory as it is. A change overwrites what someone wrote, which is forgetting it and
     * writing anew, so it needs the right to forget there ({@link Namespaces#mayDestroy}) and is audited with the
     * hashes of the content before and after. A forgotten memory stays forgotten: a late retry of its commit must
     * not bring it back.
     */
    private Committed update(Namespaces.Resolution caller, Node memory, Draft draft, String actor,
            ZonedDateTime expires) {
        if (!"active".equals(memory.getProperty("status", null))) {
            return committed(memory, false, false, false);
        }
        String namespace = (String) memory.getProperty("namespace");
        String id = (String) memory.getProperty("id");
        String previous = (String) memory.getProperty("content", "");
        String content = Redactor.clean(draft.content().strip());
        Map<String, Object> changes = new LinkedHashMap<>();
        if (!content.equals(previous)) {
            changes.put("content", content);
        }
        if (draft.kind() != null && !draft.kind().toLowerCase(Locale.ROOT).equals(memory.getProperty("kind", null))) {
            changes.put("kind", draft.kind().toLowerCase(Locale.ROOT));
        }
        if (draft.tags() != null) {
            String[] tags = draft.tags().stream().map(Redactor::clean).toArray(String[]::new);
            if (!java.util.Arrays.equals(tags, (String[]) memory.getProperty("tags", new String[0]))) {
                changes.put("tags", tags);
            }
        }
        if (draft.source() != null && !Redactor.clean(draft.source()).equals(memory.getProperty("source", null))) {
            changes.put("source", Redactor.clean(draft.source()));
        }
        if (expires != null && !expires.equals(memory.getProperty("expires_at", null))) {
            changes.put("expires_at", expires);
        }
        if (draft.confidence() != null && !draft.confidence().equals(memory.getProperty("confidence", null))) {
            changes.put("confidence", draft.confidence());
        }
        boolean redacted = redacted(draft.content());
        if (changes.isEmpty()) {
            return committed(memory, false, false, redacted);
        }
        if (!Namespaces.mayDestroy(caller, namespace, false)) {
            throw new IllegalArgumentException("owner_required: changing memory '" + id + "' in '" + namespace
                    + "' overwrites it, which needs the right to forget it: " + (namespace.startsWith(
                    Namespaces.CUSTOM_PREFIX) ? "the owner role on workspace '" + caller.workspace_id() + "'"
                    : namespace.startsWith(Namespaces.WORKSPACE_PREFIX) ? "a writer of the workspace"
                    : "the owner role acting as the root workspace '" + caller.root_id() + "'"));
        }
        audit(tx, "update", actor, namespace, id, content, previous);
        changes.forEach(memory::setProperty);
        memory.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
        if (changes.containsKey("content")) {
            reindex(memory, content);
        }
        return committed(memory, false, true, redacted);
    }

    /**
     * Replaces a memory's content (redacted here) and what is derived from it: its embedding and the concepts it
     * mentions. The caller has checked that it may change the memory.
     */
    public void rewrite(Node memory, String content) {
        String clean = Redactor.clean(content.strip());
        memory.setProperty("content", clean);
        memory.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
        reindex(memory, clean);
    }

    private void reindex(Node memory, String content) {
        memory.setProperty("embedding", embedder.embed(content));
        memory.setProperty("embedding_model", embedder.model());
        List<Node> concepts = new ArrayList<>();
        memory.getRelationships(Direction.OUTGOING, MENTIONS).forEach(r -> {
            concepts.add(r.getEndNode());
            r.delete();
        });
        link(memory, content, null);
        dropUnmentioned(concepts);
    }

    /** Whether secrets were taken out of the content (neutralizing the org delimiter is no redaction). */
    private static boolean redacted(String content) {
        return !Redactor.redact(content.strip()).equals(content.strip());
    }

    /** The key a memory is unique by: its id within its namespace. */
    static String key(String namespace, String id) {
        return namespace + "|" + id;
    }

    /** Writes a checked memory, or returns the one with its id in the same namespace (ids are per namespace). */
    private Committed store(Draft draft, String namespace, String kind, ZonedDateTime createdAt,
            ZonedDateTime expires, String actor) {
        String id = draft.id() != null ? checkId(draft.id()) : UUID.randomUUID().toString();
        Node existing = tx.findNode(MEMORY, "key", key(namespace, id));
        if (existing != null) {
            return committed(existing, false, false, false);
        }
        String content = Redactor.clean(draft.content().strip());
        Node memory = tx.createNode(MEMORY);
        memory.setProperty("id", id);
        memory.setProperty("key", key(namespace, id));
        memory.setProperty("namespace", namespace);
        memory.setProperty("kind", kind);
        memory.setProperty("content", content);
        memory.setProperty("status", "active");
        memory.setProperty("created_at", createdAt);
        // Secrets and the org delimiter hide in labels and provenance too.
        memory.setProperty("tags", draft.tags() == null ? new String[0]
                : draft.tags().stream().map(Redactor::clean).toArray(String[]::new));
        if (draft.source() != null) {
            memory.setProperty("source", Redactor.clean(draft.source()));
        }
        if (expires != null) {
            memory.setProperty("expires_at", expires);
        }
        if (draft.confidence() != null) {
            memory.setProperty("confidence", draft.confidence());
        }
        memory.setProperty("embedding", embedder.embed(content));
        memory.setProperty("embedding_model", embedder.model());
        link(memory, content, draft.derivedFrom());
        if (namespace.startsWith(Namespaces.ORG_PREFIX)) {
            audit(tx, "commit", actor, namespace, id, content);
        }
        return committed(memory, true, false, redacted(draft.content()));
    }

    /** How an import went: stored, already there (by id), skipped (unknown namespace or unusable line). */
    public record Imported(long imported, long existing, long skipped) {}

    /**
     * Imports exported memories: idempotent on id, redacted again, with their original times. Memories of
     * namespaces that no workspace here resolves to are skipped and counted.
     */
    public Imported importAll(List<Map<String, Object>> rows, String actor) {
        long imported = 0;
        long existing = 0;
        long skipped = 0;
        for (Map<String, Object> row : rows) {
            String namespace = row.get("namespace") instanceof String ns ? ns : legacyNamespace(row);
            String content = row.get("content") instanceof String c ? c : null;
            String kind = row.get("kind") instanceof String k ? k.toLowerCase(Locale.ROOT) : "note";
            // A legacy entry without an id gets one from what it is, so importing the file again stays idempotent.
            String id = row.get("id") instanceof String given ? given : content == null || namespace == null ? null
                    : "legacy-" + sha256(namespace + "|" + row.get("created_at") + "|" + content).substring(0, 32);
            if (id == null || content == null || content.isBlank() || !KINDS.contains(kind) || !known(namespace)) {
                skipped++;
                continue;
            }
            if (tx.findNode(MEMORY, "key", key(namespace, id)) != null) {
                existing++;
                continue;
            }
            List<String> tags = row.get("tags") instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                    : row.get("tags") instanceof String[] array ? List.of(array) : List.of();
            Double confidence = row.get("confidence") instanceof Number n ? n.doubleValue() : null;
            store(new Draft(id, namespace, kind, content, tags, (String) row.get("source"), null, confidence, null),
                    namespace, kind, time(row.get("created_at"), ZonedDateTime.now(ZoneOffset.UTC)),
                    time(row.get("expires_at"), null), actor);
            imported++;
        }
        audit(tx, "import", actor, "*", null, "imported=" + imported + " existing=" + existing + " skipped="
                + skipped);
        return new Imported(imported, existing, skipped);
    }

    /**
     * The namespace of a legacy export entry ({@code memoryExportEntry}: a {@code scope} of LOCAL, TEAM or GLOBAL
     * and the workspace by {@code workspace_id} (an unknown id is skipped) or, without one, by
     * {@code workspace_name} when exactly one workspace has that name): LOCAL → {@code workspace:<id>}, TEAM → {@code team:<root>}, GLOBAL →
     * {@code org:<root>}, the root as the tree says now. Null when it cannot be told (the entry is skipped).
     */
    private String legacyNamespace(Map<String, Object> row) {
        if (!(row.get("scope") instanceof String scope)) {
            return null;
        }
        String workspace = null;
        if (row.get("workspace_id") instanceof String id && !id.isBlank()) {
            // An id decides alone: an unknown one is skipped, never re-homed by a name another tenant may share.
            workspace = tx.findNode(Namespaces.WORKSPACE, "id", id) != null ? id : null;
        } else if (row.get("workspace_name") instanceof String name && !name.isBlank()) {
            List<String> named = new ArrayList<>();
            tx.execute("MATCH (w:Workspace {name: $name}) RETURN w.id AS id LIMIT 2", Map.of("name", name))
                    .forEachRemaining(r -> named.add((String) r.get("id")));
            workspace = named.size() == 1 ? named.get(0) : null;
        }
        if (workspace == null) {
            return null;
        }
        Namespaces.Resolution resolved;
        try {
            resolved = Namespaces.resolve(tx, workspace);
        } catch (IllegalArgumentException brokenTree) {
            return null;
        }
        return switch (scope.toUpperCase(Locale.ROOT)) {
            case "LOCAL" -> Namespaces.WORKSPACE_PREFIX + workspace;
            case "TEAM" -> Namespaces.TEAM_PREFIX + resolved.root_id();
            case "GLOBAL" -> Namespaces.ORG_PREFIX + resolved.root_id();
            default -> null;
        };
    }

    /**
     * The active memories of these namespaces, each once (team memories shared by several workspaces too). Each row
     * also carries the legacy {@code memoryExportEntry} fields — {@code scope} (LOCAL, TEAM, GLOBAL; null for a
     * custom namespace), {@code workspace_id} and {@code workspace_name} — so older tools read the file too.
     */
    public static List<Map<String, Object>> export(Transaction tx, List<String> namespaces) {
        List<Map<String, Object>> rows = new ArrayList<>();
        tx.execute("""
                MATCH (m:Memory) WHERE m.namespace IN $namespaces AND m.status = 'active'
                WITH DISTINCT m ORDER BY m.namespace, m.created_at, m.id
                RETURN m{.id, .namespace, .kind, .content, .tags, .source, .confidence,
                         created_at: toString(m.created_at), expires_at: toString(m.expires_at)} AS memory""",
                Map.of("namespaces", namespaces)).forEachRemaining(r -> rows.add(castMap(r.get("memory"))));
        Map<String, String> names = new HashMap<>();
        List<Map<String, Object>> legacy = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Object> withLegacy = new LinkedHashMap<>(row);
            String namespace = (String) row.get("namespace");
            String prefix = namespace.substring(0, namespace.indexOf(':'));
            String workspace = prefix.equals("custom") ? null : namespace.substring(prefix.length() + 1);
            withLegacy.put("scope", switch (prefix) {
                case "workspace" -> "LOCAL";
                case "team" -> "TEAM";
                case "org" -> "GLOBAL";
                default -> null;
            });
            withLegacy.put("workspace_id", workspace);
            withLegacy.put("workspace_name", workspace == null ? null : names.computeIfAbsent(workspace, id -> {
                Node node = tx.findNode(Namespaces.WORKSPACE, "id", id);
                return node == null ? null : (String) node.getProperty("name", null);
            }));
            legacy.add(withLegacy);
        }
        return legacy;
    }

    /** Whether some workspace here resolves to this namespace. */
    private boolean known(String namespace) {
        if (namespace == null || !Namespaces.wellFormed(namespace)) {
            return false;
        }
        String id = namespace.substring(namespace.indexOf(':') + 1);
        Map<String, Object> params = Map.of("id", id, "ns", namespace);
        String query = namespace.startsWith(Namespaces.WORKSPACE_PREFIX)
                ? "MATCH (w:Workspace {id: $id}) RETURN count(w) > 0 AS known"
                : namespace.startsWith(Namespaces.CUSTOM_PREFIX)
                        ? "MATCH (w:Workspace) WHERE $ns IN w.custom_namespaces RETURN count(w) > 0 AS known"
                        : "MATCH (w:Workspace {id: $id}) WHERE w.parent_id IS NULL RETURN count(w) > 0 AS known";
        return Boolean.TRUE.equals(tx.execute(query, params).next().get("known"));
    }

    private static ZonedDateTime time(Object value, ZonedDateTime fallback) {
        if (!(value instanceof String text) || text.isBlank()) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(text).atZoneSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return ZonedDateTime.parse(text).withZoneSameInstant(ZoneOffset.UTC);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    /**
     * Hybrid search over the active, unexpired memories of the requested namespaces that the caller may read
     * (all readable ones when none are requested); vector, full-text and concept legs fused as {@code fusing} says.
     */
    public List<Found> search(Namespaces.Resolution caller, String query, List<String> requested, List<String> kinds,
            int limit, List<String> legs, Fusing fusing) {
        List<String> namespaces = requested == null || requested.isEmpty() ? caller.readable()
                : requested.stream().filter(caller.readable()::contains).distinct().toList();
        if (namespaces.isEmpty()) {
            return List.of();
        }
        Map<String, Object> params = new HashMap<>();
        params.put("namespaces", namespaces);
        params.put("kinds", kinds == null || kinds.isEmpty() ? null : kinds);
        Map<String, List<Fusion.Ranked<Node>>> legLists = new LinkedHashMap<>();
        if (legs.contains("vector")) {
            legLists.put("vector", vectorLeg(query, params));
        }
        List<String> terms = FulltextQuery.terms(query);
        if (!terms.isEmpty() && legs.contains("fulltext")) {
            params.put("query", FulltextQuery.of(terms));
            params.put("index", Schema.MEMORY_FULLTEXT);
            legLists.put("fulltext", rows("""
                    CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score
                    WITH node AS m, score WHERE %s
                    RETURN m, score ORDER BY score DESC LIMIT %d""".formatted(VISIBLE, LEG_TOP_K), params));
        }
        if (!terms.isEmpty() && legs.contains("graph")) {
            params.put("keys", Keyphrases.extract(query, CONCEPTS_PER_MEMORY).stream()
                    .map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
            legLists.put("graph", rows("""
                    MATCH (c:Concept) WHERE c.name_key IN $keys OR c.name_key IN $terms
                    MATCH (m:Memory)-[:MENTIONS]->(c) WHERE %s
                    WITH m, count(DISTINCT c) AS matched ORDER BY matched DESC, m.created_at DESC
                    RETURN m, matched AS score LIMIT %d""".formatted(VISIBLE, LEG_TOP_K), withTerms(params, terms)));
        }
        // The same fusion as document search; memories are keyed by node (ids repeat across namespaces).
        Map<Node, Map<String, Long>> ranks = new HashMap<>();
        legLists.forEach((leg, list) -> {
            for (int i = 0; i < list.size(); i++) {
                ranks.computeIfAbsent(list.get(i).key(), k -> new LinkedHashMap<>()).put(leg, (long) i + 1);
            }
        });
        List<Found> found = new ArrayList<>();
        Fusion.fuse(fusing.method(), legLists, fusing.weights(), RRF_K).forEach((node, score) -> found.add(found(node, score,
                new ArrayList<>(ranks.get(node).keySet()), ranks.get(node))));
        found.sort(Comparator.comparingDouble(Found::score).reversed());
        return found.subList(0, Math.min(limit, found.size()));
    }

    /**
     * Marks a memory forgotten and drops its content and vector; false when absent (or not readable). Only where
     * {@link Namespaces#mayDestroy} allows it; audited by hash, with the actor.
     */
    public static boolean forget(Transaction tx, Namespaces.Resolution caller, String id, String inNamespace,
            String actor) {
        List<Node> found = new ArrayList<>();
        tx.execute("MATCH (m:Memory {id: $id}) WHERE m.namespace IN $readable AND ($ns IS NULL OR m.namespace = $ns) "
                + "AND m.status = 'active' RETURN m", withNullable("id", id, "readable", caller.readable(), "ns",
                inNamespace)).forEachRemaining(r -> found.add((Node) r.get("m")));
        if (found.isEmpty()) {
            return false;
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("ambiguous_id: memory '" + id + "' exists in several namespaces you "
                    + "read (" + found.stream().map(m -> m.getProperty("namespace")).toList() + "); name the namespace");
        }
        Node memory = found.get(0);
        String namespace = (String) memory.getProperty("namespace");
        if (!caller.writable().contains(namespace)) {
            throw new IllegalArgumentException("namespace_forbidden: workspace '" + caller.workspace_id()
                    + "' may not forget memories in '" + namespace + "'");
        }
        if (!Namespaces.mayDestroy(caller, namespace, false)) {
            throw new IllegalArgumentException("owner_required: forgetting in '" + namespace + "' needs the owner "
                    + "role " + (namespace.startsWith(Namespaces.CUSTOM_PREFIX) ? "on workspace '"
                    + caller.workspace_id() + "'" : "acting as the root workspace '" + caller.root_id() + "'"));
        }
        audit(tx, "forget", actor, namespace, id, (String) memory.getProperty("content", ""));
        memory.setProperty("status", "forgotten");
        memory.setProperty("content", "");
        memory.removeProperty("embedding");
        memory.setProperty("forgotten_at", ZonedDateTime.now(ZoneOffset.UTC));
        List<Node> concepts = new ArrayList<>();
        memory.getRelationships(Direction.OUTGOING, MENTIONS).forEach(r -> concepts.add(r.getEndNode()));
        memory.getRelationships().forEach(Relationship::delete);
        dropUnmentioned(concepts);
        return true;
    }

    /** Concepts nothing mentions any more go with the last memory that did (no orphans in the graph). */
    private static void dropUnmentioned(List<Node> concepts) {
        for (Node concept : concepts) {
            if (!concept.hasRelationship(Direction.INCOMING, MENTIONS)) {
                concept.getRelationships().forEach(Relationship::delete);
                concept.delete();
            }
        }
    }

    /** Deletes every memory of a namespace; returns how many. Audited (the actor and how many, never content). */
    public static long purge(Transaction tx, String namespace, String actor) {
        List<Node> concepts = new ArrayList<>();
        tx.execute("MATCH (:Memory {namespace: $ns})-[:MENTIONS]->(c:Concept) RETURN DISTINCT c",
                Map.of("ns", namespace)).forEachRemaining(r -> concepts.add((Node) r.get("c")));
        long purged = ((Number) tx.execute("MATCH (m:Memory {namespace: $ns}) DETACH DELETE m RETURN count(*) AS n",
                Map.of("ns", namespace)).next().get("n")).longValue();
        dropUnmentioned(concepts);
        audit(tx, "purge", actor, namespace, null, "memories=" + purged);
        return purged;
    }

    private static final String VISIBLE = """
            m.namespace IN $namespaces AND m.status = 'active'
              AND (m.expires_at IS NULL OR m.expires_at > datetime()) AND ($kinds IS NULL OR m.kind IN $kinds)""";

    /** Exact cosine over the visible memories: namespaces are small, and exact never misses one. */
    private List<Fusion.Ranked<Node>> vectorLeg(String query, Map<String, Object> params) {
        Map<String, Object> withVector = new HashMap<>(params);
        withVector.put("vector", embedder.embedQuery(query));
        return rows("""
                MATCH (m:Memory) WHERE %s AND m.embedding IS NOT NULL
                WITH m, vector.similarity.cosine(m.embedding, $vector) AS score
                RETURN m, score ORDER BY score DESC LIMIT %d""".formatted(VISIBLE, LEG_TOP_K), withVector);
    }

    /** A leg's memories, best first, with the leg's raw score. */
    private List<Fusion.Ranked<Node>> rows(String cypher, Map<String, Object> params) {
        List<Fusion.Ranked<Node>> ranked = new ArrayList<>();
        tx.execute(cypher, params).forEachRemaining(r -> ranked.add(new Fusion.Ranked<>((Node) r.get("m"),
                ((Number) r.get("score")).doubleValue())));
        return ranked;
    }

    private static Map<String, Object> withTerms(Map<String, Object> params, List<String> terms) {
        Map<String, Object> copy = new HashMap<>(params);
        copy.put("terms", terms);
        return copy;
    }

    private void link(Node memory, String content, List<String> derivedFrom) {
        List<String> keys = Keyphrases.extract(content, CONCEPTS_PER_MEMORY).stream()
                .map(k -> k.name().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ")).distinct().toList();
        tx.execute("""
                MATCH (m:Memory) WHERE elementId(m) = $memory
                UNWIND $keys AS key
                MERGE (c:Concept {name_key: key})
                ON CREATE SET c.uid = randomUUID(), c.name = key
                MERGE (m)-[:MENTIONS]->(c)""", Map.of("memory", memory.getElementId(), "keys", keys));
        if (derivedFrom != null && !derivedFrom.isEmpty()) {
            tx.execute("""
                    MATCH (m:Memory) WHERE elementId(m) = $memory
                    UNWIND $sources AS source
                    OPTIONAL MATCH (c:Chunk {uid: source})
                    OPTIONAL MATCH (o:Memory {key: m.namespace + '|' + source})
                    WITH m, coalesce(c, o) AS origin WHERE origin IS NOT NULL AND origin <> m
                    MERGE (m)-[:DERIVED_FROM]->(origin)""", Map.of("memory", memory.getElementId(), "sources",
                    derivedFrom));
        }
    }

    /**
     * Records a write to a shared namespace or a destructive act: who, what, when and a hash of the content —
     * never the content. A failure is logged and does not block the act.
     */
    static void audit(Transaction tx, String action, String actor, String namespace, String id, String content) {
        audit(tx, action, actor, namespace, id, content, null);
    }

    /** The same, with the hash of the content an update replaced ({@code previous_sha256}). */
    static void audit(Transaction tx, String action, String actor, String namespace, String id, String content,
            String previous) {
        try {
            Node audit = tx.createNode(AUDIT);
            audit.setProperty("at", ZonedDateTime.now(ZoneOffset.UTC));
            audit.setProperty("action", action);
            audit.setProperty("actor", actor == null ? "unknown" : actor);
            audit.setProperty("namespace", namespace);
            if (id != null) {
                audit.setProperty("memory_id", id);
            }
            audit.setProperty("content_sha256", sha256(content));
            if (previous != null) {
                audit.setProperty("previous_sha256", sha256(previous));
            }
        } catch (RuntimeException e) {
            AuditLog.failed(namespace, id, e);
        }
    }

    private static ZonedDateTime expiry(String value, ZonedDateTime now) {
        if (value == null) {
            return null;
        }
        ZonedDateTime expires;
        try {
            expires = OffsetDateTime.parse(value).atZoneSameInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid_argument: invalid expires_at: must be RFC3339, such as "
                    + "2027-01-31T00:00:00Z; got '" + value + "'");
        }
        if (!expires.isAfter(now)) {
            throw new IllegalArgumentException("invalid_argument: invalid expires_at: must be in the future; got '"
                    + value + "'");
        }
        return expires;
    }

    private static Committed committed(Node m, boolean created, boolean updated, boolean redacted) {
        return new Committed((String) m.getProperty("id"), (String) m.getProperty("namespace"),
                (String) m.getProperty("kind"), (String) m.getProperty("status"), created, updated, redacted,
                (ZonedDateTime) m.getProperty("created_at"), (ZonedDateTime) m.getProperty("expires_at", null));
    }

    private static Found found(Node m, double score, List<String> sources, Map<String, Long> ranks) {
        String namespace = (String) m.getProperty("namespace");
        String content = (String) m.getProperty("content");
        if (namespace.startsWith(Namespaces.ORG_PREFIX)) {
            // Shared organisational text is marked, so an agent can tell it from its instructions.
            content = "[MEMORY id=" + m.getProperty("id") + " scope=ORG ns=" + namespace + "]: " + content;
        }
        Object tags = m.getProperty("tags", new String[0]);
        return new Found((String) m.getProperty("id"), namespace, (String) m.getProperty("kind"), content,
                tags instanceof String[] t ? List.of(t) : List.of(), (String) m.getProperty("source", null),
                (Double) m.getProperty("confidence", null), (ZonedDateTime) m.getProperty("created_at"),
                (ZonedDateTime) m.getProperty("expires_at", null), score, sources, ranks);
    }

    /** An id a client can address again: 1..200 characters, none of them control or format characters or '/'. */
    static String checkId(String id) {
        if (id.isEmpty() || id.length() > 200 || id.indexOf('/') >= 0 || id.codePoints().anyMatch(c -> {
            int type = Character.getType(c);
            return type == Character.CONTROL || type == Character.FORMAT;
        })) {
            throw new IllegalArgumentException("invalid_argument: 'id' must be 1..200 characters without '/', "
                    + "control or format characters");
        }
        return id;
    }

    private static Map<String, Object> withNullable(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
