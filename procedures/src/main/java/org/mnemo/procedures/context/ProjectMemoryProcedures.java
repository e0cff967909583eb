package org.mnemo.procedures.context;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.project.Projects;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/** The context engine's memories and their review queue (candidate → active | invalid). */
public class ProjectMemoryProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    @Procedure(name = "mnemo.project.memory.add", mode = Mode.WRITE)
    @Description("Store a context memory of a project (or, with no project, of the caller itself): memory_type one "
            + "of identity, preference, project, episodic, knowledge, adaptation; status 'active' (default) or "
            + "'candidate' (for review).")
    public Stream<ProjectMemories.Row> add(
            @Name(value = "content", description = "The memory's text (redacted before storing).") String content,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{memory_type (required), project, "
                                    + "confidence: 0.5, status: 'active' | 'candidate', source, principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.memory.add";
        Options o = Options.of(
                procedure, options, Set.of("memory_type", "project", "confidence", "status", "source", "principal"));
        if (!o.has("memory_type")) {
            throw o.error("memory_type", "is required: one of " + ProjectMemories.TYPES);
        }
        return Stream.of(memories(o)
                .add(
                        procedure,
                        content,
                        o.string("project", null),
                        o.string("memory_type", null),
                        o.has("confidence") ? o.number("confidence", 0.5, 0, 1) : null,
                        o.string("status", null),
                        o.string("source", null)));
    }

    @Procedure(name = "mnemo.project.memory.list", mode = Mode.READ)
    @Description("The caller's context memories, newest first: the review queue is {status: 'candidate'}.")
    public Stream<ProjectMemories.Row> list(
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{project, status, memory_type, limit: 100 " + "(max 500), principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.memory.list";
        Options o = Options.of(procedure, options, Set.of("project", "status", "memory_type", "limit", "principal"));
        return memories(o)
                .list(
                        procedure,
                        o.string("project", null),
                        o.string("status", null),
                        o.string("memory_type", null),
                        (int) o.integer("limit", 100, 1, 500))
                .stream();
    }

    @Procedure(name = "mnemo.project.memory.get", mode = Mode.READ)
    @Description("One context memory of the caller's, by id (not_found otherwise).")
    public Stream<ProjectMemories.Row> get(
            @Name(value = "id", description = "The memory's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{principal}") Map<String, Object> options) {
        String procedure = "mnemo.project.memory.get";
        return Stream.of(ProjectMemories.row(
                memories(Options.of(procedure, options, Set.of("principal"))).get(procedure, id)));
    }

    @Procedure(name = "mnemo.project.memory.update", mode = Mode.WRITE)
    @Description("Change the content, confidence or memory_type of a candidate or active context memory.")
    public Stream<ProjectMemories.Row> update(
            @Name(value = "id", description = "The memory's id.") String id,
            @Name(
                            value = "changes",
                            defaultValue = "{}",
                            description = "{content, confidence, memory_type, " + "principal}")
                    Map<String, Object> changes) {
        String procedure = "mnemo.project.memory.update";
        Options o = Options.of(procedure, changes, Set.of("content", "confidence", "memory_type", "principal"));
        return Stream.of(memories(o)
                .update(
                        procedure,
                        id,
                        o.string("content", null),
                        o.has("confidence") ? o.number("confidence", 0.5, 0, 1) : null,
                        o.string("memory_type", null)));
    }

    @Procedure(name = "mnemo.project.memory.promote", mode = Mode.WRITE)
    @Description("Promote a candidate context memory to active (the review queue's accept).")
    public Stream<ProjectMemories.Row> promote(
            @Name(value = "id", description = "The memory's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{principal}") Map<String, Object> options) {
        return move("mnemo.project.memory.promote", id, options, "active");
    }

    @Procedure(name = "mnemo.project.memory.reject", mode = Mode.WRITE)
    @Description("Reject a candidate (or retire an active) context memory: it becomes invalid, kept as history.")
    public Stream<ProjectMemories.Row> reject(
            @Name(value = "id", description = "The memory's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{principal}") Map<String, Object> options) {
        return move("mnemo.project.memory.reject", id, options, "invalid");
    }

    @Procedure(name = "mnemo.project.memory.supersede", mode = Mode.WRITE)
    @Description("Mark an active context memory superseded (kept as history; it no longer reaches a pack).")
    public Stream<ProjectMemories.Row> supersede(
            @Name(value = "id", description = "The memory's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{principal}") Map<String, Object> options) {
        return move("mnemo.project.memory.supersede", id, options, "superseded");
    }

    private Stream<ProjectMemories.Row> move(String procedure, String id, Map<String, Object> options, String to) {
        return Stream.of(
                memories(Options.of(procedure, options, Set.of("principal"))).transition(procedure, id, to));
    }

    private ProjectMemories memories(Options o) {
        Projects projects = new Projects(tx, Analyst.of(tx, db), o.string("principal", null));
        return new ProjectMemories(
                tx, projects, new Memories(tx, Embedders.get(MnemoConfig.of(db).embedder())));
    }
}
