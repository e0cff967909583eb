package org.mnemo.procedures.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mnemo.procedures.config.MnemoConfig;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.schema.ConstraintDefinition;
import org.neo4j.graphdb.schema.IndexDefinition;
import org.neo4j.graphdb.schema.IndexSetting;
import org.neo4j.graphdb.schema.IndexType;
import org.neo4j.graphdb.schema.Schema.IndexState;

/**
 * Mnemo's constraints and indexes. Schema changes run in their own transactions (Neo4j refuses schema and data
 * writes in one), and waiting for index population happens in a further one: waiting inside the transaction
 * that created an index does not wait.
 */
public final class Schema {
    public static final String CHUNK_VECTOR = "mnemo_chunk_embedding";
    public static final String CONCEPT_VECTOR = "mnemo_concept_embedding";
    public static final String CHUNK_FULLTEXT = "mnemo_chunk_text";
    public static final String CONCEPT_FULLTEXT = "mnemo_concept_name";
    public static final String ITEM_FULLTEXT = "mnemo_item_title";
    public static final String LIBRARY_FULLTEXT = "mnemo_library_name";
    public static final String MEMORY_FULLTEXT = "mnemo_memory_content";
    public static final String MEMORY_VECTOR = "mnemo_memory_embedding";

    private record Constraint(String name, String label, String property) {}

    /** An index on one property, or (full-text only) on several. */
    private record Index(String name, String type, String label, List<String> properties) {
        Index(String name, String type, String label, String property) {
            this(name, type, label, List.of(property));
        }

        String property() {
            return properties.get(0);
        }
    }

    /**
     * Every chunk carries its library's uid as one token, indexed beside its text, so a scoped full-text search can
     * filter inside Lucene instead of walking the unscoped hits (see HybridSearch#fulltextLeg).
     */
    public static final String LIBRARY_KEY = "library_key";

    /** Where the model that wrote the vectors is recorded. */
    private static final org.neo4j.graphdb.Label SCHEMA_INFO = org.neo4j.graphdb.Label.label("MnemoSchema");

    private static final String VECTORS = "vectors";

    /** Full-text indexes of prose, analysed with mnemo.search.fulltext_analyzer; names keep Neo4j's default. */
    private static final java.util.Set<String> TEXT_INDEXES =
            java.util.Set.of("mnemo_chunk_text", "mnemo_item_title", "mnemo_memory_content");

    private static final List<Constraint> CONSTRAINTS = List.of(
            new Constraint("mnemo_library_uid", "Library", "uid"),
            new Constraint("mnemo_library_name", "Library", "name"),
            new Constraint("mnemo_library_workspace_id", "Library", "workspace_id"),
            new Constraint("mnemo_library_type_name", "LibraryType", "name"),
            new Constraint("mnemo_collection_uid", "Collection", "uid"),
            new Constraint("mnemo_item_uid", "Item", "uid"),
            new Constraint("mnemo_chunk_uid", "Chunk", "uid"),
            new Constraint("mnemo_concept_uid", "Concept", "uid"),
            new Constraint("mnemo_concept_name_key", "Concept", "name_key"),
            // Principals, credentials and teams: the gateway's authentication data lives in the same graph.
            new Constraint("mnemo_principal_id", "Principal", "id"),
            new Constraint("mnemo_api_token_id", "ApiToken", "id"),
            new Constraint("mnemo_api_token_hash", "ApiToken", "hash"),
            new Constraint("mnemo_team_id", "Team", "id"),
            new Constraint("mnemo_signing_key_kid", "SigningKey", "kid"),
            // Durable ingest jobs (the gateway's workers claim them).
            new Constraint("mnemo_ingest_job_id", "IngestJob", "id"),
            new Constraint("mnemo_ingest_job_key", "IngestJob", "job_key"),
            // Agent memory: workspaces form the namespace tree.
            new Constraint("mnemo_workspace_id", "Workspace", "id"),
            // A memory's id is an idempotency key within its namespace (key = namespace|id), not across tenants.
            new Constraint("mnemo_memory_key", "Memory", "key"),
            // Projects: one ProjectName per lower-cased id or alias, so no name can belong to two projects even
            // under concurrent registrations; only active state entries carry active_key (project|category|key).
            new Constraint("mnemo_project_id", "Project", "id"),
            new Constraint("mnemo_project_name_key", "ProjectName", "key"),
            new Constraint("mnemo_project_state_active_key", "ProjectState", "active_key"),
            // The context engine's packs and interactions are looked up by id.
            new Constraint("mnemo_context_pack_id", "ContextPack", "id"),
            new Constraint("mnemo_interaction_id", "Interaction", "id"));

    private static final List<Index> INDEXES = List.of(
            new Index("mnemo_item_source_ref", "RANGE", "Item", "source_ref"),
            new Index("mnemo_item_content_hash", "RANGE", "Item", "content_hash"),
            new Index("mnemo_ingest_job_status", "RANGE", "IngestJob", "status"),
            // Every upload sums its owner's waiting bytes: without it, a scan of every job ever submitted.
            new Index("mnemo_ingest_job_owner", "RANGE", "IngestJob", "owner"),
            // The grant model walks the workspace tree down from what a service manages.
            new Index("mnemo_workspace_parent", "RANGE", "Workspace", "parent_id"),
            new Index("mnemo_workspace_manager", "RANGE", "Workspace", "manager"),
            new Index("mnemo_project_owner", "RANGE", "Project", "owner"),
            new Index("mnemo_context_pack_owner", "RANGE", "ContextPack", "owner"),
            new Index("mnemo_interaction_owner", "RANGE", "Interaction", "owner"),
            new Index(CHUNK_FULLTEXT, "FULLTEXT", "Chunk", List.of("text", LIBRARY_KEY)),
            new Index(CONCEPT_FULLTEXT, "FULLTEXT", "Concept", "name"),
            new Index(ITEM_FULLTEXT, "FULLTEXT", "Item", "title"),
            new Index(LIBRARY_FULLTEXT, "FULLTEXT", "Library", "name"),
            new Index(CHUNK_VECTOR, "VECTOR", "Chunk", "embedding"),
            new Index(CONCEPT_VECTOR, "VECTOR", "Concept", "embedding"),
            new Index("mnemo_memory_namespace", "RANGE", "Memory", "namespace"),
            new Index("mnemo_memory_id_lookup", "RANGE", "Memory", "id"),
            new Index(MEMORY_FULLTEXT, "FULLTEXT", "Memory", "content"),
            new Index(MEMORY_VECTOR, "VECTOR", "Memory", "embedding"));

    /**
     * Before 0.2, memory ids were unique across all namespaces (an existence oracle between tenants, and ids that one
     * tenant could take from another): give every memory its per-namespace key and drop the global constraint.
     * Idempotent.
     */
    private static void migrateMemoryKeys(GraphDatabaseService db, Map<String, String> actions) {
        try (Transaction tx = db.beginTx()) {
            tx.execute("MATCH (m:Memory) WHERE m.key IS NULL SET m.key = m.namespace + '|' + m.id");
            tx.commit();
        }
        try (Transaction tx = db.beginTx()) {
            if (constraintExists(tx, "mnemo_memory_id")) {
                tx.schema().getConstraintByName("mnemo_memory_id").drop();
                actions.put("mnemo_memory_id", "dropped");
            }
            tx.commit();
        }
    }

    /**
     * Before 0.3 the chunk full-text index held only the text: give every chunk its library key and rebuild the
     * index with it (created again below, with the configured analyzer). Idempotent.
     */
    private static void migrateLibraryKeys(GraphDatabaseService db, Map<String, String> actions) {
        try (Transaction tx = db.beginTx()) {
            if (!indexExists(tx, CHUNK_FULLTEXT) || hasLibraryKeys(tx)) {
                return;
            }
        }
        long keyed = LibraryKeys.backfill(db);
        try (Transaction tx = db.beginTx()) {
            tx.schema().getIndexByName(CHUNK_FULLTEXT).drop();
            tx.commit();
        }
        actions.put(CHUNK_FULLTEXT, "rebuilt with library keys (" + keyed + " chunks keyed)");
    }

    /**
     * On Neo4j 2026 and later the chunk vector index carries the library key as a filter property (Cypher 25 {@code
     * SEARCH ... WHERE}); an index made before, or on 5.26, lacks it. Adding it rebuilds the HNSW graph from the
     * stored vectors (no re-embedding), which takes a while on a large database: done only when asked.
     */
    private static void addVectorLibraryFilter(GraphDatabaseService db, boolean rebuild, Map<String, String> actions) {
        try (Transaction tx = db.beginTx()) {
            if (!indexExists(tx, CHUNK_VECTOR) || !vectorFiltersSupported(tx) || vectorsFilterable(tx)) {
                return;
            }
            if (!rebuild) {
                actions.put(
                        CHUNK_VECTOR,
                        "exists; mnemo.schema.apply({rebuild: true}) rebuilds it with the library "
                                + "key, for in-index scope filtering on this Neo4j version");
                return;
            }
            tx.schema().getIndexByName(CHUNK_VECTOR).drop();
            tx.commit();
        }
        actions.put(CHUNK_VECTOR, "rebuilt with the library key (in-index scope filtering)");
    }

    /** Whether vector search can filter by property inside the index here (Neo4j 2026.01 and later). */
    static boolean vectorFiltersSupported(Transaction tx) {
        return majorVersion(neo4jVersion(tx)) >= 2026;
    }

    /** Whether the chunk vector index can filter by library (made with the library key as a filter property). */
    public static boolean vectorsFilterable(Transaction tx) {
        return indexHas(tx, CHUNK_VECTOR, LIBRARY_KEY);
    }

    private static boolean indexHas(Transaction tx, String index, String property) {
        for (String key : tx.schema().getIndexByName(index).getPropertyKeys()) {
            if (key.equals(property)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the chunk full-text index can filter by library (it was built with library keys). */
    public static boolean hasLibraryKeys(Transaction tx) {
        return indexHas(tx, CHUNK_FULLTEXT, LIBRARY_KEY);
    }

    /** One line of mnemo.schema.apply() and mnemo.schema.status(). */
    public record IndexStatus(String name, String type, String entity, String state, Long dimension, String action) {}

    private Schema() {}

    public static List<IndexStatus> apply(
            GraphDatabaseService db,
            MnemoConfig config,
            int dimension,
            String model,
            boolean rebuild,
            long awaitSeconds) {
        Map<String, String> actions = new LinkedHashMap<>();
        recordModel(db, model, rebuild, actions);
        List<String> mismatched = mismatchedVectorIndexes(db, dimension);
        if (!mismatched.isEmpty() && !rebuild) {
            throw new IllegalStateException(mismatchMessage(db, mismatched, dimension));
        }
        if (!mismatched.isEmpty()) {
            try (Transaction tx = db.beginTx()) {
                for (String name : mismatched) {
                    tx.schema().getIndexByName(name).drop();
                    actions.put(name, "rebuilt");
                }
                tx.commit();
            }
            try (Transaction tx = db.beginTx()) {
                // Vectors of the old dimension stay on the chunks but are not in the new index: flag their items.
                tx.execute("MATCH (i:Item) WHERE i.embedding_status = 'completed' SET i.reembed_required = true");
                tx.commit();
            }
        }
        migrateLibraryKeys(db, actions);
        addVectorLibraryFilter(db, rebuild, actions);
        List<String> reanalysed = mismatchedAnalyzers(db, config.fulltextAnalyzer());
        if (!reanalysed.isEmpty()) {
            if (rebuild) {
                try (Transaction tx = db.beginTx()) {
                    for (String name : reanalysed) {
                        tx.schema().getIndexByName(name).drop();
                        actions.put(name, "rebuilt (analyzer " + config.fulltextAnalyzer() + ")");
                    }
                    tx.commit();
                }
            } else {
                reanalysed.forEach(name -> actions.put(
                        name,
                        "analyzer differs from mnemo.search.fulltext_analyzer " + "'" + config.fulltextAnalyzer()
                                + "'; mnemo.schema.apply({rebuild: true}) rebuilds it"));
            }
        }
        migrateMemoryKeys(db, actions);
        try (Transaction tx = db.beginTx()) {
            for (Constraint c : CONSTRAINTS) {
                if (!constraintExists(tx, c.name())) {
                    tx.execute("CREATE CONSTRAINT " + c.name() + " IF NOT EXISTS FOR (n:" + c.label() + ") REQUIRE n."
                            + c.property() + " IS UNIQUE");
                    actions.putIfAbsent(c.name(), "created");
                }
            }
            String quantization = quantization(tx, config.vectorQuantization());
            boolean filterable = vectorFiltersSupported(tx);
            for (Index index : INDEXES) {
                if (!indexExists(tx, index.name())) {
                    tx.execute(createIndex(index, config, dimension, quantization, filterable));
                    actions.putIfAbsent(index.name(), "created");
                }
            }
            tx.commit();
        }
        try (Transaction tx = db.beginTx()) {
            tx.schema().awaitIndexesOnline(awaitSeconds, TimeUnit.SECONDS);
            tx.commit();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "schema_not_ready: indexes were created but are not online after " + awaitSeconds + " s ("
                            + e.getMessage() + "); check mnemo.schema.status()",
                    e);
        }
        return status(db).stream()
                .map(s -> new IndexStatus(
                        s.name(),
                        s.type(),
                        s.entity(),
                        s.state(),
                        s.dimension(),
                        actions.getOrDefault(s.name(), "exists")))
                .toList();
    }

    public static List<IndexStatus> status(GraphDatabaseService db) {
        List<IndexStatus> rows = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            for (Constraint c : CONSTRAINTS) {
                rows.add(new IndexStatus(
                        c.name(),
                        "UNIQUENESS",
                        c.label() + "." + c.property(),
                        constraintExists(tx, c.name()) ? "ONLINE" : "MISSING",
                        null,
                        null));
            }
            for (Index index : INDEXES) {
                String state = "MISSING";
                Long dimension = null;
                if (indexExists(tx, index.name())) {
                    IndexDefinition definition = tx.schema().getIndexByName(index.name());
                    state = tx.schema().getIndexState(definition).name();
                    dimension = dimensionOf(definition);
                }
                rows.add(new IndexStatus(
                        index.name(),
                        index.type(),
                        index.label() + "." + String.join(", ", index.properties()),
                        state,
                        dimension,
                        null));
            }
        }
        return rows;
    }

    /**
     * Which model wrote the vectors: recorded when the schema is first applied (from the items, or the configured
     * model for an empty database) and changed only by {@code rebuild}, which also marks every item for
     * re-embedding. Vectors of two models in one index would rank nonsense, so a changed model is refused until then.
     */
    private static void recordModel(
            GraphDatabaseService db, String model, boolean rebuild, Map<String, String> actions) {
        try (Transaction tx = db.beginTx()) {
            Node marker = tx.findNode(SCHEMA_INFO, "id", VECTORS);
            String recorded = marker == null ? null : (String) marker.getProperty("embedding_model", null);
            if (recorded == null) {
                var found = tx.execute("MATCH (i:Item) WHERE i.embedding_model IS NOT NULL RETURN i.embedding_model "
                        + "AS m, count(*) AS n ORDER BY n DESC LIMIT 1");
                recorded = found.hasNext() ? (String) found.next().get("m") : model;
            }
            if (!recorded.equals(model)) {
                if (!rebuild) {
                    throw new IllegalStateException(modelMismatchText(recorded, model));
                }
                tx.execute("MATCH (i:Item) WHERE i.embedding_status = 'completed' SET i.reembed_required = true");
                actions.put(
                        "embedding_model",
                        "now '" + model + "' (was '" + recorded + "'): run mnemo.reembed.run " + "(./mnemo reembed)");
                recorded = model;
            }
            if (marker == null) {
                marker = tx.createNode(SCHEMA_INFO);
                marker.setProperty("id", VECTORS);
            }
            marker.setProperty("embedding_model", recorded);
            tx.commit();
        }
    }

    private static String modelMismatchText(String recorded, String configured) {
        return "schema_model_mismatch: the vectors in the indexes were made by '" + recorded + "' but the configured "
                + "embedder is '" + configured + "'; either configure '" + recorded + "' again, or run CALL "
                + "mnemo.schema.apply({rebuild: true}) and then re-embed (./mnemo reembed, mnemo.reembed.run)";
    }

    /**
     * Fails with a message that says how to fix it unless the indexes search needs exist and are online with the
     * given dimension, and were filled by the given model.
     */
    public static void requireSearchable(Transaction tx, int dimension, String model) {
        Node marker = tx.findNode(SCHEMA_INFO, "id", VECTORS);
        Object recorded = marker == null ? null : marker.getProperty("embedding_model", null);
        if (recorded != null && !recorded.equals(model)) {
            throw new IllegalStateException(modelMismatchText((String) recorded, model));
        }
        for (String name : List.of(CHUNK_VECTOR, CHUNK_FULLTEXT, CONCEPT_FULLTEXT, CONCEPT_VECTOR)) {
            if (!indexExists(tx, name)) {
                throw new IllegalStateException("schema_missing: index '" + name + "' does not exist; run "
                        + "CALL mnemo.schema.apply() once before searching");
            }
            IndexDefinition definition = tx.schema().getIndexByName(name);
            IndexState state = tx.schema().getIndexState(definition);
            if (state != IndexState.ONLINE) {
                throw new IllegalStateException("schema_not_ready: index '" + name + "' is " + state
                        + "; wait with CALL db.awaitIndexes() or check mnemo.schema.status()");
            }
            Long indexDimension = dimensionOf(definition);
            if (indexDimension != null && indexDimension != dimension) {
                throw new IllegalStateException(mismatchText(name, indexDimension, dimension));
            }
        }
    }

    private static List<String> mismatchedVectorIndexes(GraphDatabaseService db, int dimension) {
        List<String> mismatched = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            for (String name : List.of(CHUNK_VECTOR, CONCEPT_VECTOR, MEMORY_VECTOR)) {
                if (indexExists(tx, name)) {
                    Long existing = dimensionOf(tx.schema().getIndexByName(name));
                    if (existing != null && existing != dimension) {
                        mismatched.add(name);
                    }
                }
            }
        }
        return mismatched;
    }

    private static String mismatchMessage(GraphDatabaseService db, List<String> names, int dimension) {
        try (Transaction tx = db.beginTx()) {
            String name = names.get(0);
            return mismatchText(name, dimensionOf(tx.schema().getIndexByName(name)), dimension);
        }
    }

    private static String mismatchText(String name, long existing, int configured) {
        return "schema_dimension_mismatch: vector index '" + name + "' has dimension " + existing
                + " but the configured embedder produces " + configured + "; run CALL mnemo.schema.apply({rebuild: "
                + "true}) to drop and recreate the vector indexes and mark items for re-embedding";
    }

    /** The configured analyzer, which must be one Neo4j has (checked: it goes into an index's options). */
    private static String analyzer(MnemoConfig config) {
        String analyzer = config.fulltextAnalyzer();
        if (!analyzer.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("mnemo.search.fulltext_analyzer must name one of "
                    + "db.index.fulltext.listAvailableAnalyzers(), got '" + analyzer + "'");
        }
        return analyzer;
    }

    /** Text full-text indexes whose analyzer is not the configured one. */
    private static List<String> mismatchedAnalyzers(GraphDatabaseService db, String analyzer) {
        List<String> mismatched = new ArrayList<>();
        try (Transaction tx = db.beginTx()) {
            for (String name : TEXT_INDEXES) {
                if (indexExists(tx, name)
                        && !analyzer.equals(analyzerOf(tx.schema().getIndexByName(name)))) {
                    mismatched.add(name);
                }
            }
        }
        mismatched.sort(null);
        return mismatched;
    }

    private static String analyzerOf(IndexDefinition definition) {
        Object value = definition.getIndexConfiguration().get(IndexSetting.fulltext_Analyzer());
        return value == null ? null : value.toString();
    }

    private static Long dimensionOf(IndexDefinition definition) {
        if (definition.getIndexType() != IndexType.VECTOR) {
            return null;
        }
        Object value = definition.getIndexConfiguration().get(IndexSetting.vector_Dimensions());
        return value instanceof Number n ? n.longValue() : null;
    }

    private static boolean indexExists(Transaction tx, String name) {
        try {
            tx.schema().getIndexByName(name);
            return true;
        } catch (IllegalArgumentException missing) {
            return false;
        }
    }

    private static boolean constraintExists(Transaction tx, String name) {
        for (ConstraintDefinition c : tx.schema().getConstraints()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The vector indexes' quantization setting, or null to keep Neo4j's default. "auto" turns it off on Neo4j 2026
     * and later: there the quantized HNSW graph found 0.84 of the exact top 10 where 5.26's found all of them
     * (harness ScopedTopKTest, 384-d vectors), and Mnemo's exact re-scoring cannot recover what the graph missed.
     */
    static String quantization(Transaction tx, String setting) {
        if (!setting.equals("auto")) {
            return setting;
        }
        return majorVersion(neo4jVersion(tx)) >= 2025 ? "false" : null;
    }

    private static String neo4jVersion(Transaction tx) {
        return (String) tx.execute("CALL dbms.components() YIELD name, versions "
                        + "WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version")
                .next()
                .get("version");
    }

    /** 5 for "5.26.18", 2026 for "2026.08.1" (calendar versions since 2025). */
    static int majorVersion(String version) {
        try {
            return Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String createIndex(
            Index index, MnemoConfig config, int dimension, String quantization, boolean filterable) {
        String target = "(n:" + index.label() + ")";
        return switch (index.type()) {
            case "RANGE" ->
                "CREATE INDEX " + index.name() + " IF NOT EXISTS FOR " + target + " ON (n." + index.property() + ")";
            case "FULLTEXT" ->
                "CREATE FULLTEXT INDEX " + index.name() + " IF NOT EXISTS FOR " + target
                        + " ON EACH ["
                        + String.join(
                                ", ",
                                index.properties().stream().map(p -> "n." + p).toList()) + "]"
                        + (TEXT_INDEXES.contains(index.name())
                                ? " OPTIONS {indexConfig: {`fulltext.analyzer`: '" + analyzer(config) + "'}}"
                                : "");
            case "VECTOR" -> {
                StringBuilder options = new StringBuilder(
                        "`vector.dimensions`: " + dimension + ", `vector.similarity_function`: 'cosine'");
                if (config.hnswM() > 0) {
                    options.append(", `vector.hnsw.m`: ").append(config.hnswM());
                }
                if (config.hnswEfConstruction() > 0) {
                    options.append(", `vector.hnsw.ef_construction`: ").append(config.hnswEfConstruction());
                }
                if (quantization != null) {
                    options.append(", `vector.quantization.enabled`: ").append(quantization);
                }
                // Only chunks are searched within a scope; Cypher 25 declares the filter property.
                boolean filtered = filterable && index.name().equals(CHUNK_VECTOR);
                yield (filtered ? "CYPHER 25 " : "") + "CREATE VECTOR INDEX " + index.name() + " IF NOT EXISTS FOR "
                        + target + " ON (n." + index.property() + ")"
                        + (filtered ? " WITH [n." + LIBRARY_KEY + "]" : "")
                        + " OPTIONS {indexConfig: {" + options + "}}";
            }
            default -> throw new IllegalStateException("unknown index type " + index.type());
        };
    }
}
