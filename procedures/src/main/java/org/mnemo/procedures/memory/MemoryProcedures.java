package org.mnemo.procedures.memory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.namespace.Acting;
import org.mnemo.procedures.namespace.Namespaces;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.search.Fusion;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class MemoryProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record Forgotten(String id, boolean forgotten) {}

    public record Purged(String namespace, long memories) {}

    @Procedure(name = "mnemo.memory.commit", mode = Mode.WRITE)
    @Description("Store a memory as a workspace: {id (idempotency key), namespace (default workspace:<id>; must be "
            + "writable), kind, content, tags, source, expires_at (RFC 3339, future), confidence, derived_from}. "
            + "Secrets are redacted first; org: writes are audited.")
    public Stream<Memories.Committed> commit(
            @Name(value = "workspace_id", description = "The workspace acting.") String workspaceId,
            @Name(
                            value = "memory",
                            description = "{id, namespace, kind, content, tags, source, expires_at, "
                                    + "confidence, derived_from}")
                    Map<String, Object> memory,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{actor: who, for the audit; principal, "
                                    + "max_role: act as that principal, checked live}")
                    Map<String, Object> options) {
        String procedure = "mnemo.memory.commit";
        Options m = Options.of(
                procedure,
                memory,
                Set.of(
                        "id",
                        "namespace",
                        "kind",
                        "content",
                        "tags",
                        "source",
                        "expires_at",
                        "confidence",
                        "derived_from"));
        Acting acting = Acting.of(procedure, options, Set.of("actor"));
        acting = acting.as(Analyst.of(tx, db).actingAs(acting.principal()));
        Options o = acting.options();
        Double confidence = null;
        if (m.has("confidence")) {
            if (!(memory.get("confidence") instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
                throw new IllegalArgumentException(procedure + ": 'confidence' must be a number in 0..1");
            }
            confidence = n.doubleValue();
        }
        MnemoConfig config = MnemoConfig.of(db);
        Memories memories = new Memories(tx, Embedders.get(config.embedder()));
        return Stream.of(memories.commit(
                acting.namespaces(tx, workspaceId),
                o.string("actor", null),
                new Memories.Draft(
                        m.string("id", null),
                        m.string("namespace", null),
                        m.string("kind", null),
                        m.string("content", null),
                        strings(memory.get("tags"), "tags", procedure),
                        m.string("source", null),
                        m.string("expires_at", null),
                        confidence,
                        strings(memory.get("derived_from"), "derived_from", procedure)),
                config.summaryTtl()));
    }

    @Procedure(name = "mnemo.memory.search", mode = Mode.READ)
    @Description(
            "Hybrid search (vector, full-text, concepts; convex fusion by default) over the active, unexpired memories a workspace "
                    + "may read: the requested namespaces intersected with its readable ones (all readable when none are "
                    + "given). org: memories come back with a [MEMORY id=… scope=ORG ns=…]: prefix.")
    public Stream<MemorySearch.Found> search(
            @Name(value = "workspace_id", description = "The workspace asking.") String workspaceId,
            @Name(value = "query", description = "What to recall.") String query,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description =
                                    "{namespaces, kinds, limit: 10 (max 100), "
                                            + "search_types: ['vector','fulltext','graph'], fusion: 'convex' | 'rrf', weights: {vector: 1.0, "
                                            + "fulltext: 1.0, graph: 0.0}, also_as: [more workspaces acting together], principal, max_role}")
                    Map<String, Object> options) {
        String procedure = "mnemo.memory.search";
        Acting acting = Acting.of(
                procedure,
                options,
                Set.of("namespaces", "kinds", "limit", "search_types", "fusion", "weights", "also_as"));
        acting = acting.as(Analyst.of(tx, db).actingAs(acting.principal()));
        Options o = acting.options();
        List<String> legs = strings(options.get("search_types"), "search_types", procedure);
        if (legs == null || legs.isEmpty()) {
            legs = Fusion.LEGS;
        } else if (!Fusion.LEGS.containsAll(legs)) {
            throw new IllegalArgumentException(procedure + ": 'search_types' may hold vector, fulltext and graph");
        }
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'query' must not be empty");
        }
        Embedder embedder = Embedders.get(MnemoConfig.of(db).embedder());
        Namespaces.Resolution caller = acting.namespaces(tx, workspaceId);
        List<String> alsoAs = strings(options.get("also_as"), "also_as", procedure);
        if (alsoAs != null && !alsoAs.isEmpty()) {
            // The memory plugin's trusted mode: the platform's namespaces may span several workspaces; each is
            // checked live like the first (workspace_forbidden when not held), and their readable sets are joined.
            if (alsoAs.size() > 50) {
                throw new IllegalArgumentException(procedure + ": 'also_as' may name at most 50 workspaces");
            }
            java.util.LinkedHashSet<String> readable = new java.util.LinkedHashSet<>(caller.readable());
            for (String other : alsoAs) {
                readable.addAll(acting.namespaces(tx, other).readable());
            }
            caller = new Namespaces.Resolution(
                    caller.workspace_id(),
                    caller.root_id(),
                    caller.depth(),
                    List.copyOf(readable),
                    caller.writable(),
                    caller.role());
        }
        return new MemorySearch(tx, embedder)
                        .search(
                                caller,
                                query,
                                strings(options.get("namespaces"), "namespaces", procedure),
                                strings(options.get("kinds"), "kinds", procedure),
                                (int) o.integer("limit", 10, 1, 100),
                                legs,
                                new MemorySearch.Fusing(
                                        Fusion.Method.parse(
                                                o.string("fusion", MemorySearch.DEFAULT_FUSION.name()),
                                                procedure + ": 'fusion'"),
                                        Fusion.weights(o, MemorySearch.DEFAULT_WEIGHTS)))
                        .stream();
    }

    @Procedure(name = "mnemo.memory.forget", mode = Mode.WRITE)
    @Description("Forget a memory (only in a namespace the workspace may write; in a shared one only as its owner): "
            + "its content and vector are removed; audited by hash.")
    public Stream<Forgotten> forget(
            @Name(value = "workspace_id", description = "The workspace acting.") String workspaceId,
            @Name(value = "id", description = "Memory id.") String id,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{namespace (when the id is in several), actor, " + "principal, max_role}")
                    Map<String, Object> options) {
        Acting acting = Acting.of("mnemo.memory.forget", options, Set.of("actor", "namespace"));
        acting = acting.as(Analyst.of(tx, db).actingAs(acting.principal()));
        return Stream.of(new Forgotten(
                id,
                Memories.forget(
                        tx,
                        acting.namespaces(tx, workspaceId),
                        id,
                        acting.options().string("namespace", null),
                        acting.options().string("actor", acting.principal()))));
    }

    @Procedure(name = "mnemo.memory.purge", mode = Mode.WRITE)
    @Description("Delete every memory of a namespace (audited). With {workspace_id, principal}: only as an owner of "
            + "that workspace, and only a namespace it may write; mnemo.workspace.delete purges a private namespace.")
    public Stream<Purged> purge(
            @Name(value = "namespace", description = "Namespace name.") String namespace,
            @Name(value = "options", defaultValue = "{}", description = "{workspace_id, principal, max_role, actor}")
                    Map<String, Object> options) {
        String procedure = "mnemo.memory.purge";
        if (!Namespaces.wellFormed(namespace)) {
            throw new IllegalArgumentException(procedure + ": 'namespace' must be workspace:, team:, org: or "
                    + "custom:<id>, got '" + namespace + "'");
        }
        Acting acting = Acting.of(procedure, options, Set.of("workspace_id", "actor"));
        acting = acting.as(Analyst.of(tx, db).actingAs(acting.principal()));
        if (acting.principal() != null) {
            String workspace = acting.options().string("workspace_id", null);
            if (workspace == null) {
                throw new IllegalArgumentException(procedure + ": 'workspace_id' is required with 'principal'");
            }
            Namespaces.Resolution caller = acting.namespaces(tx, workspace);
            if (!caller.writable().contains(namespace)) {
                throw new IllegalArgumentException(
                        "namespace_forbidden: workspace '" + workspace + "' may not write to '" + namespace + "'");
            }
            if (!Namespaces.mayDestroy(caller, namespace, true)) {
                throw new IllegalArgumentException("owner_required: purging '" + namespace + "' needs the owner role "
                        + (namespace.startsWith(Namespaces.TEAM_PREFIX) || namespace.startsWith(Namespaces.ORG_PREFIX)
                                ? "acting as the root workspace '" + caller.root_id()
                                : "on workspace '" + workspace)
                        + "'");
            }
        }
        return Stream.of(new Purged(
                namespace,
                Memories.purge(
                        tx,
                        namespace,
                        acting.options().string("actor", acting.principal() == null ? "dba" : acting.principal()))));
    }

    public record Exported(Map<String, Object> memory) {}

    @Procedure(name = "mnemo.memory.export", mode = Mode.READ)
    @Description("The active memories of the given namespaces, each once, as maps ready for JSON Lines "
            + "(id, namespace, kind, content, tags, source, confidence, created_at, expires_at).")
    public Stream<Exported> export(
            @Name(value = "namespaces", description = "Namespace names.") List<String> namespaces) {
        Analyst.of(tx, db).requireTrusted("mnemo.memory.export");
        if (namespaces == null) {
            throw new IllegalArgumentException("mnemo.memory.export: 'namespaces' is required");
        }
        return MemoryTransfer.export(tx, namespaces).stream().map(Exported::new);
    }

    @Procedure(name = "mnemo.memory.import", mode = Mode.WRITE)
    @Description("Import exported memories: idempotent on id, redacted before storing, original times kept; lines "
            + "of unknown namespaces (no workspace here resolves to them) or without content are skipped and counted.")
    public Stream<MemoryTransfer.Imported> importMemories(
            @Name(value = "memories", description = "Maps as mnemo.memory.export returns them.")
                    List<Map<String, Object>> memories,
            @Name(value = "options", defaultValue = "{}", description = "{actor}") Map<String, Object> options) {
        String procedure = "mnemo.memory.import";
        Analyst.of(tx, db).requireTrusted(procedure);
        Options o = Options.of(procedure, options, Set.of("actor"));
        if (memories == null) {
            throw new IllegalArgumentException(procedure + ": 'memories' is required");
        }
        Embedder embedder = Embedders.get(MnemoConfig.of(db).embedder());
        return Stream.of(
                new MemoryTransfer(tx, new Memories(tx, embedder)).importAll(memories, o.string("actor", "import")));
    }

    private static List<String> strings(Object value, String name, String procedure) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException(procedure + ": '" + name + "' must be a list of strings");
        }
        return list.stream().map(String.class::cast).toList();
    }
}
