package org.mnemo.procedures.context;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.memory.Redactor;
import org.mnemo.procedures.project.Projects;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/**
 * Interactions: a prompt an agent was given a pack for and the response it gave, linked to the pack
 * ({@code GIVEN}), the memories and chunks it used ({@code USED}) and the candidates proposed from it
 * ({@code PROPOSED}). Recording one reinforces the project's active memories the response used
 * ({@link Reinforcement}); nothing here writes trusted state or revives a retired memory.
 */
public final class Interactions {
    public static final Label INTERACTION = Label.label("Interaction");
    static final RelationshipType GIVEN = RelationshipType.withName("GIVEN");
    static final RelationshipType USED = RelationshipType.withName("USED");
    static final RelationshipType PROPOSED = RelationshipType.withName("PROPOSED");
    static final RelationshipType REINFORCED = RelationshipType.withName("REINFORCED");
    public static final int MAX_TEXT = 50_000;
    public static final int MAX_LIST = 500;

    /** What an interaction records; the procedure has checked the shapes. */
    public record Draft(
            String prompt,
            String response,
            String project,
            String client,
            String sessionId,
            String packId,
            List<String> memoriesUsed,
            List<String> chunksUsed,
            List<String> libraries) {}

    /** One interaction as the procedures answer it. */
    public record Row(
            String id,
            String prompt,
            String response,
            String project,
            String client,
            String session_id,
            ZonedDateTime created_at,
            String pack_id,
            List<String> memories_used,
            List<String> chunks_used) {}

    /** A reinforcement: the memories whose confidence and reference count went up. */
    public record Reinforced(String interaction_id, List<String> reinforced) {}

    /** A proposal from an interaction, with the id it got when persisted (null otherwise). */
    public record Proposed(String memory_type, String content, String rule, String project, String memory_id) {}

    private final Transaction tx;
    private final Projects projects;
    private final ProjectMemories memories;

    public Interactions(Transaction tx, Projects projects, ProjectMemories memories) {
        this.tx = tx;
        this.projects = projects;
        this.memories = memories;
    }

    public Node record(String procedure, Draft draft) {
        if (draft.prompt() == null || draft.prompt().isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'prompt' must not be empty");
        }
        for (String[] field : new String[][] {{"prompt", draft.prompt()}, {"response", draft.response()}}) {
            if (field[1] != null && field[1].length() > MAX_TEXT) {
                throw new IllegalArgumentException(procedure + ": '" + field[0] + "' must be at most " + MAX_TEXT
                        + " characters, got " + field[1].length());
            }
        }
        String project = projects.resolve(draft.project());
        Node node = tx.createNode(INTERACTION);
        node.setProperty("id", UUID.randomUUID().toString());
        // What an agent captured may hold credentials it saw: redacted like memories before anything is stored.
        node.setProperty("prompt", Redactor.clean(draft.prompt()));
        node.setProperty("response", draft.response() == null ? "" : Redactor.clean(draft.response()));
        node.setProperty("project", project);
        node.setProperty("client", draft.client() == null ? "" : draft.client());
        node.setProperty("session_id", draft.sessionId() == null ? "" : draft.sessionId());
        node.setProperty("owner", projects.principal() == null ? "" : projects.principal());
        node.setProperty("created_at", ZonedDateTime.now(ZoneOffset.UTC));
        Node pack = draft.packId() == null ? null : ContextPacks.find(tx, owner(), draft.packId());
        if (draft.packId() != null && pack == null) {
            throw new IllegalArgumentException(
                    "not_found: " + procedure + ": no context pack '" + draft.packId() + "'");
        }
        List<String> memoryIds = draft.memoriesUsed();
        List<String> chunkUids = draft.chunksUsed();
        if (pack != null) {
            node.createRelationshipTo(pack, GIVEN);
            memoryIds = memoryIds != null ? memoryIds : List.of((String[]) pack.getProperty("memory_ids"));
            chunkUids = chunkUids != null ? chunkUids : List.of((String[]) pack.getProperty("chunk_uids"));
        }
        for (String id : memoryIds == null ? List.<String>of() : memoryIds) {
            node.createRelationshipTo(memories.get(procedure, id), USED);
        }
        // Only chunks the caller may read are linked; any other id is dropped as an unknown one would be.
        Map<String, Object> params = new HashMap<>();
        params.put("uids", chunkUids == null ? List.of() : chunkUids);
        params.put("libraries", draft.libraries() == null ? List.of("*") : draft.libraries());
        params.put("interaction", node.getElementId());
        tx.execute("""
                MATCH (i:Interaction) WHERE elementId(i) = $interaction
                UNWIND $uids AS uid
                MATCH (l:Library)-[:HAS_COLLECTION]->()-[:HAS_ITEM]->()-[:HAS_CHUNK]->(c:Chunk {uid: uid})
                WHERE '*' IN $libraries OR l.uid IN $libraries
                MERGE (i)-[:USED]->(c)""", params).close();
        return node;
    }

    /** The caller's interaction by id; {@code not_found} otherwise. */
    public Node get(String procedure, String id) {
        Node node = id == null ? null : tx.findNode(INTERACTION, "id", id);
        if (node == null || (projects.principal() != null && !owner().equals(node.getProperty("owner", null)))) {
            throw new IllegalArgumentException("not_found: " + procedure + ": no interaction '" + id + "'");
        }
        return node;
    }

    /** The caller's interactions, newest first, filtered by what is given (since: ISO date or date-time). */
    public List<Row> list(String project, String sessionId, String client, ZonedDateTime since, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("owner", owner());
        params.put("all", projects.principal() == null);
        params.put("project", project == null ? null : projects.resolve(project));
        params.put("session", sessionId);
        params.put("client", client);
        params.put("since", since);
        params.put("limit", Math.min(limit, MAX_LIST));
        List<Row> rows = new ArrayList<>();
        tx.execute("""
                MATCH (i:Interaction) WHERE ($all OR i.owner = $owner) AND ($project IS NULL OR i.project = $project)
                  AND ($session IS NULL OR i.session_id = $session) AND ($client IS NULL OR i.client = $client)
                  AND ($since IS NULL OR i.created_at >= $since)
                RETURN i ORDER BY i.created_at DESC, i.id LIMIT $limit""", params).forEachRemaining(r -> rows.add(row((Node) r.get("i"))));
        return rows;
    }

    /**
     * Reinforces the active memories of the interaction's project (or of the caller, with no project) that its
     * response used: confidence + {@link Reinforcement#STEP} up to 1, one more reference, the time of it. Once per
     * memory and interaction ({@code REINFORCED}): asking again cannot pump a memory's confidence.
     */
    public Reinforced reinforce(Node interaction) {
        String response = (String) interaction.getProperty("response", "");
        List<String> reinforced = new ArrayList<>();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Set<Node> before = new HashSet<>();
        interaction.getRelationships(Direction.OUTGOING, REINFORCED).forEach(r -> before.add(r.getEndNode()));
        for (Node memory : active(interaction)) {
            if (!before.contains(memory) && Reinforcement.used((String) memory.getProperty("content", ""), response)) {
                interaction.createRelationshipTo(memory, REINFORCED);
                double confidence =
                        ((Number) memory.getProperty("confidence", ProjectMemories.DEFAULT_CONFIDENCE)).doubleValue();
                memory.setProperty(
                        "confidence", Math.min(1.0, Math.round((confidence + Reinforcement.STEP) * 1e6) / 1e6));
                memory.setProperty(
                        "reference_count", ((Number) memory.getProperty("reference_count", 0L)).longValue() + 1);
                memory.setProperty("last_referenced_at", now);
                reinforced.add((String) memory.getProperty("id"));
            }
        }
        return new Reinforced((String) interaction.getProperty("id"), reinforced);
    }

    /**
     * The candidates the rules find in the interaction, less those that repeat an active or candidate memory of
     * its project; with {@code persist}, stored as candidates (never active) and linked to the interaction.
     */
    public List<Proposed> extract(String procedure, Node interaction, boolean persist) {
        String project = (String) interaction.getProperty("project", "");
        Set<String> known = new HashSet<>();
        for (Node m : scoped(interaction, List.of("active", "candidate"))) {
            known.add(Extraction.normalized((String) m.getProperty("content", "")));
        }
        List<Proposed> proposed = new ArrayList<>();
        for (Extraction.Candidate c : Extraction.candidates(
                (String) interaction.getProperty("prompt", ""), (String) interaction.getProperty("response", ""))) {
            if (!known.add(Extraction.normalized(c.content()))) {
                continue;
            }
            String id = null;
            if (persist) {
                ProjectMemories.Row row = memories.add(
                        procedure,
                        c.content(),
                        projects.lookup(project) == null ? null : project,
                        c.memory_type(),
                        null,
                        "candidate",
                        "interaction:" + interaction.getProperty("id"));
                interaction.createRelationshipTo(memories.get(procedure, row.id()), PROPOSED);
                id = row.id();
            }
            proposed.add(new Proposed(
                    c.memory_type(), c.content(), c.rule(), projects.lookup(project) == null ? "" : project, id));
        }
        return proposed;
    }

    private List<Node> active(Node interaction) {
        return scoped(interaction, List.of("active"));
    }

    /** The context memories of the interaction's project (or the caller's own) in the given statuses. */
    private List<Node> scoped(Node interaction, List<String> statuses) {
        Node project = projects.lookup((String) interaction.getProperty("project", ""));
        Map<String, Object> params = new HashMap<>();
        params.put(
                "namespace",
                project == null
                        ? memories.namespaces(null).get(0)
                        : ProjectMemories.PROJECT_PREFIX + project.getProperty("id"));
        params.put("statuses", statuses);
        List<Node> nodes = new ArrayList<>();
        tx.execute("""
                MATCH (m:Memory) WHERE m.namespace = $namespace AND m.memory_type IS NOT NULL
                  AND m.status IN $statuses RETURN m""", params).forEachRemaining(r -> nodes.add((Node) r.get("m")));
        return nodes;
    }

    private String owner() {
        return projects.ownerKey();
    }

    public static Row row(Node i) {
        List<String> memoryIds = new ArrayList<>();
        List<String> chunkUids = new ArrayList<>();
        String packId = null;
        for (Relationship r : i.getRelationships(Direction.OUTGOING)) {
            Node end = r.getEndNode();
            if (r.isType(GIVEN)) {
                packId = (String) end.getProperty("id");
            } else if (r.isType(USED) && end.hasLabel(Memories.MEMORY)) {
                memoryIds.add((String) end.getProperty("id"));
            } else if (r.isType(USED)) {
                chunkUids.add((String) end.getProperty("uid"));
            }
        }
        return new Row(
                (String) i.getProperty("id"),
                (String) i.getProperty("prompt"),
                (String) i.getProperty("response", ""),
                (String) i.getProperty("project", ""),
                (String) i.getProperty("client", ""),
                (String) i.getProperty("session_id", ""),
                (ZonedDateTime) i.getProperty("created_at"),
                packId,
                memoryIds,
                chunkUids);
    }
}
