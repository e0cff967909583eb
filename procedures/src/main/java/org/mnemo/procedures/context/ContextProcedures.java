package org.mnemo.procedures.context;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedder;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.project.Projects;
import org.mnemo.procedures.schema.Schema;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.scope.Scope;
import org.mnemo.procedures.search.VectorCache;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.TerminationGuard;

public class ContextProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Context
    public TerminationGuard guard;

    /** The last pack of the caller, as stored. */
    public record LastPack(
            String pack_id,
            String project,
            String prompt,
            String formatted_context,
            long total_chars,
            long budget,
            long project_state_chars,
            long chunks_used,
            long memories_used,
            List<String> chunk_uids,
            List<String> memory_ids,
            long duration_ms,
            ZonedDateTime created_at) {}

    @Procedure(name = "mnemo.context.build", mode = Mode.WRITE)
    @Description("A context pack for a prompt within a character budget, in trust order: the project's trusted "
            + "state (within state_share of the budget), its active memories relevant to the prompt (within "
            + "memory_share), then chunks from hybrid search over the project's libraries (with no project: over "
            + "'libraries'). Never over budget; stored as the caller's last pack.")
    public Stream<ContextPacks.Pack> build(
            @Name(value = "prompt", description = "The prompt the pack is for.") String prompt,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{project (id or alias), budget: 3000 "
                                    + "(characters, 200..200000), libraries (what the caller may read; default ['*'] for the admin "
                                    + "users), state_share: 0.2, memory_share: 0.3, chunks: 10, memories: 10, principal (the "
                                    + "gateway acting for one)}")
                    Map<String, Object> options) {
        String procedure = "mnemo.context.build";
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException(procedure + ": 'prompt' must not be empty");
        }
        if (prompt.length() > Interactions.MAX_TEXT) {
            throw new IllegalArgumentException(procedure + ": 'prompt' must be at most " + Interactions.MAX_TEXT
                    + " characters, got " + prompt.length());
        }
        Options o = Options.of(
                procedure,
                options,
                Set.of(
                        "project",
                        "budget",
                        "libraries",
                        "state_share",
                        "memory_share",
                        "chunks",
                        "memories",
                        "principal"));
        Analyst analyst = Analyst.of(tx, db);
        Scope scope = analyst.scope(Scope.of(o.strings("libraries", List.of(Scope.ALL)), procedure), procedure);
        MnemoConfig config = MnemoConfig.of(db);
        Embedder embedder = Embedders.get(config.embedder());
        Schema.requireSearchable(tx, embedder.dimension(), embedder.model());
        Projects projects = new Projects(tx, analyst, o.string("principal", null));
        ContextPacks.Budget budget = new ContextPacks.Budget(
                (int) o.integer("budget", ContextPacks.Budget.DEFAULT, 200, 200_000),
                o.number("state_share", ContextPacks.Budget.DEFAULT_STATE_SHARE, 0, 1),
                o.number("memory_share", ContextPacks.Budget.DEFAULT_MEMORY_SHARE, 0, 1));
        var sources = new IndexedSources(
                tx,
                VectorCache.of(db, config.vectorCacheMb()),
                config,
                embedder,
                guard::check,
                (int) o.integer("memories", 10, 0, 100),
                (int) o.integer("chunks", 10, 0, 100));
        var packs =
                new ContextPacks(tx, projects, new ProjectMemories(tx, projects, new Memories(tx, embedder)), sources);
        return Stream.of(packs.build(
                prompt, o.string("project", null), scope.all() ? List.of(Scope.ALL) : scope.libraries(), budget));
    }

    @Procedure(name = "mnemo.context.last", mode = Mode.READ)
    @Description("The caller's last context pack (none when it built none), for debugging what an agent was given.")
    public Stream<LastPack> last(
            @Name(value = "options", defaultValue = "{}", description = "{principal (the gateway acting for one)}")
                    Map<String, Object> options) {
        Options o = Options.of("mnemo.context.last", options, Set.of("principal"));
        Projects projects = new Projects(tx, Analyst.of(tx, db), o.string("principal", null));
        Node p = ContextPacks.last(tx, projects.ownerKey());
        return p == null
                ? Stream.empty()
                : Stream.of(new LastPack(
                        (String) p.getProperty("id"),
                        (String) p.getProperty("project"),
                        (String) p.getProperty("prompt"),
                        (String) p.getProperty("formatted_context"),
                        (long) p.getProperty("total_chars"),
                        (long) p.getProperty("budget"),
                        (long) p.getProperty("project_state_chars"),
                        (long) p.getProperty("chunks_used"),
                        (long) p.getProperty("memories_used"),
                        List.of((String[]) p.getProperty("chunk_uids")),
                        List.of((String[]) p.getProperty("memory_ids")),
                        (long) p.getProperty("duration_ms"),
                        (ZonedDateTime) p.getProperty("created_at")));
    }
}
