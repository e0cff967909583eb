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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mnemo.procedures.concept.ConceptLocks;
import org.mnemo.procedures.concept.Keyphrases;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.namespace.Namespaces;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * Writing memories in namespaces: commits and forgets only in the caller's writable namespaces, content redacted
 * before anything is stored, writes to {@code org:} namespaces and every destructive act audited with a hash of the
 * content, never the content. Searching is {@link MemorySearch}, import and export {@link MemoryTransfer}.
 */
public final class Memories {
    public static final Label MEMORY = Label.label("Memory");
    static final Label AUDIT = Label.label("MemoryAudit");
    public static final List<String> KINDS = List.of("fact", "decision", "preference", "summary", "note");
    static final int MAX_CONTENT_CHARS = 20_000;
    private static final int CONCEPTS_PER_MEMORY = 8;
    /** What to store; the procedure has checked the shapes. */
    public record Draft(
            String id,
            String namespace,
            String kind,
            String content,
            List<String> tags,
            String source,
            String expiresAt,
            Double confidence,
            List<String> derivedFrom) {}

    /**
     * A commit's outcome: {@code created} false when the id existed; then {@code updated} says whether the commit
     * changed it (an upsert) or found it as it was (an idempotent retry, or a forgotten memory, which stays so).
     */
    public record Committed(
            String id,
            String namespace,
            String kind,
            String status,
            boolean created,
            boolean updated,
            boolean redacted,
            ZonedDateTime created_at,
            ZonedDateTime expires_at) {}

    private final Transaction tx;
    private final Embedder embedder;

    public Memories(Transaction tx, Embedder embedder) {
        this.tx = tx;
        this.embedder = embedder;
    }

    public Committed commit(Namespaces.Resolution caller, String actor, Draft draft, Duration summaryTtl) {
        String namespace =
                draft.namespace() != null ? draft.namespace() : Namespaces.WORKSPACE_PREFIX + caller.workspace_id();
        if (!caller.writable().contains(namespace)) {
            throw new IllegalArgumentException("namespace_forbidden: workspace '" + caller.workspace_id()
                    + "' may not write to '" + namespace + "'; writable: " + caller.writable());
        }
        String kind = draft.kind() == null ? "note" : draft.kind().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(
                    "invalid_argument: 'kind' must be one of " + KINDS + ", got '" + draft.kind() + "'");
        }
        if (draft.content() == null || draft.content().isBlank()) {
            throw new IllegalArgumentException("invalid_argument: 'content' must not be empty or only white space");
        }
        if (draft.content().length() > MAX_CONTENT_CHARS) {
            throw new IllegalArgumentException(
                    "invalid_argument: 'content' must be at most " + MAX_CONTENT_CHARS + " characters");
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
    private Committed update(
            Namespaces.Resolution caller, Node memory, Draft draft, String actor, ZonedDateTime expires) {
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
                    + "' overwrites it, which needs the right to forget it: "
                    + (namespace.startsWith(Namespaces.CUSTOM_PREFIX)
                            ? "the owner role on workspace '" + caller.workspace_id() + "'"
                            : namespace.startsWith(Namespaces.WORKSPACE_PREFIX)
                                    ? "a writer of the workspace"
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
    Committed store(
            Draft draft, String namespace, String kind, ZonedDateTime createdAt, ZonedDateTime expires, String actor) {
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
        memory.setProperty(
                "tags",
                draft.tags() == null
                        ? new String[0]
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

    /**
     * Marks a memory forgotten and drops its content and vector; false when absent (or not readable). Only where
     * {@link Namespaces#mayDestroy} allows it; audited by hash, with the actor.
     */
    public static boolean forget(
            Transaction tx, Namespaces.Resolution caller, String id, String inNamespace, String actor) {
        List<Node> found = new ArrayList<>();
        tx.execute(
                        "MATCH (m:Memory {id: $id}) WHERE m.namespace IN $readable AND ($ns IS NULL OR m.namespace = $ns) "
                                + "AND m.status = 'active' RETURN m",
                        withNullable("id", id, "readable", caller.readable(), "ns", inNamespace))
                .forEachRemaining(r -> found.add((Node) r.get("m")));
        if (found.isEmpty()) {
            return false;
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("ambiguous_id: memory '" + id + "' exists in several namespaces you "
                    + "read ("
                    + found.stream().map(m -> m.getProperty("namespace")).toList() + "); name the namespace");
        }
        Node memory = found.get(0);
        String namespace = (String) memory.getProperty("namespace");
        if (!caller.writable().contains(namespace)) {
            throw new IllegalArgumentException("namespace_forbidden: workspace '" + caller.workspace_id()
                    + "' may not forget memories in '" + namespace + "'");
        }
        if (!Namespaces.mayDestroy(caller, namespace, false)) {
            throw new IllegalArgumentException("owner_required: forgetting in '" + namespace + "' needs the owner "
                    + "role "
                    + (namespace.startsWith(Namespaces.CUSTOM_PREFIX)
                            ? "on workspace '" + caller.workspace_id() + "'"
                            : "acting as the root workspace '" + caller.root_id() + "'"));
        }
        audit(tx, "forget", actor, namespace, id, (String) memory.getProperty("content", ""));
        memory.setProperty("status", "forgotten");
        memory.setProperty("content", "");
        memory.removeProperty("embedding");
        memory.setProperty("forgotten_at", ZonedDateTime.now(ZoneOffset.UTC));
        List<Node> concepts = new ArrayList<>();
        memory.getRelationships(Direction.OUTGOING, MENTIONS).forEach(r -> concepts.add(r.getEndNode()));
        ConceptLocks.inKeyOrder(tx, concepts);
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
        tx.execute(
                        "MATCH (:Memory {namespace: $ns})-[:MENTIONS]->(c:Concept) RETURN DISTINCT c",
                        Map.of("ns", namespace))
                .forEachRemaining(r -> concepts.add((Node) r.get("c")));
        ConceptLocks.inKeyOrder(tx, concepts);
        long purged = ((Number) tx.execute(
                                "MATCH (m:Memory {namespace: $ns}) DETACH DELETE m RETURN count(*) AS n",
                                Map.of("ns", namespace))
                        .next()
                        .get("n"))
                .longValue();
        dropUnmentioned(concepts);
        audit(tx, "purge", actor, namespace, null, "memories=" + purged);
        return purged;
    }

    private void link(Node memory, String content, List<String> derivedFrom) {
        List<String> keys = Keyphrases.extract(content, CONCEPTS_PER_MEMORY).stream()
                .map(k -> k.name().toLowerCase(Locale.ROOT).replaceAll("\\s+", " "))
                .distinct()
                .sorted() // merged in name-key order, as ConceptLocks asks
                .toList();
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
                    MERGE (m)-[:DERIVED_FROM]->(origin)""", Map.of("memory", memory.getElementId(), "sources", derivedFrom));
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
    static void audit(
            Transaction tx, String action, String actor, String namespace, String id, String content, String previous) {
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
            throw new IllegalArgumentException(
                    "invalid_argument: invalid expires_at: must be in the future; got '" + value + "'");
        }
        return expires;
    }

    private static Committed committed(Node m, boolean created, boolean updated, boolean redacted) {
        return new Committed(
                (String) m.getProperty("id"),
                (String) m.getProperty("namespace"),
                (String) m.getProperty("kind"),
                (String) m.getProperty("status"),
                created,
                updated,
                redacted,
                (ZonedDateTime) m.getProperty("created_at"),
                (ZonedDateTime) m.getProperty("expires_at", null));
    }

    /** An id a client can address again: 1..200 characters, none of them control or format characters or '/'. */
    static String checkId(String id) {
        if (id.isEmpty()
                || id.length() > 200
                || id.indexOf('/') >= 0
                || id.codePoints().anyMatch(c -> {
                    int type = Character.getType(c);
                    return type == Character.CONTROL || type == Character.FORMAT;
                })) {
            throw new IllegalArgumentException(
                    "invalid_argument: 'id' must be 1..200 characters without '/', " + "control or format characters");
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
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
