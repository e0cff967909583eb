package org.mnemo.procedures.project;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class ProjectProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record ProjectRow(
            String id,
            List<String> aliases,
            String description,
            String status,
            List<String> ingest_roots,
            List<String> libraries,
            String owner) {}

    public record Resolved(String id) {}

    public record StateRow(
            String project,
            String category,
            String key,
            String value,
            String source,
            double confidence,
            String status,
            ZonedDateTime created_at,
            ZonedDateTime updated_at) {}

    public record Invalidated(String project, String category, String key, boolean invalidated) {}

    private static final Set<String> FIELDS =
            Set.of("aliases", "description", "status", "ingest_roots", "libraries", "principal");
    private static final Set<String> REGISTER =
            Set.of("aliases", "description", "status", "ingest_roots", "libraries", "owner", "principal");
    private static final Set<String> PRINCIPAL = Set.of("principal");

    @Procedure(name = "mnemo.project.register", mode = Mode.WRITE)
    @Description("Register a project under a canonical id with {aliases, description, status, ingest_roots, "
            + "libraries, owner}; refuses an id or alias that any project already holds (case-insensitive).")
    public Stream<ProjectRow> register(
            @Name(value = "id", description = "Canonical project id; never changes, keeps its casing.") String id,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{aliases, description, status, "
                                    + "ingest_roots, libraries (uids or names), owner}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.register";
        Options o = Options.of(procedure, options, REGISTER);
        return Stream.of(row(projects(o).register(procedure, id, fields(o, o.string("owner", null)))));
    }

    @Procedure(name = "mnemo.project.update", mode = Mode.WRITE)
    @Description("Change a project named by id or alias: {aliases (replaces them), description, status, "
            + "ingest_roots, libraries}; an alias another project holds is refused.")
    public Stream<ProjectRow> update(
            @Name(value = "name", description = "Project id or alias, any case.") String name,
            @Name(
                            value = "changes",
                            defaultValue = "{}",
                            description = "{aliases, description, status, " + "ingest_roots, libraries}")
                    Map<String, Object> changes) {
        String procedure = "mnemo.project.update";
        Options o = Options.of(procedure, changes, FIELDS);
        return Stream.of(row(projects(o).update(procedure, name, fields(o, null))));
    }

    @Procedure(name = "mnemo.project.get", mode = Mode.READ)
    @Description("One project, named by id or alias in any case (not_found when there is none the caller may see).")
    public Stream<ProjectRow> get(
            @Name(value = "name", description = "Project id or alias, any case.") String name,
            @Name(value = "options", defaultValue = "{}", description = "{principal (the gateway acting for one)}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.get";
        return Stream.of(row(projects(Options.of(procedure, options, PRINCIPAL)).get(procedure, name)));
    }

    @Procedure(name = "mnemo.project.list", mode = Mode.READ)
    @Description("The projects the caller may see, by id; with {owner}, only that owner's.")
    public Stream<ProjectRow> list(
            @Name(value = "options", defaultValue = "{}", description = "{owner}") Map<String, Object> options) {
        Options o = Options.of("mnemo.project.list", options, Set.of("owner", "principal"));
        return projects(o).list(o.string("owner", null)).stream().map(ProjectProcedures::row);
    }

    @Procedure(name = "mnemo.project.resolve", mode = Mode.READ)
    @Description("Resolve a project name to its canonical id: an id or alias in any case gives the id, a blank "
            + "name gives '', an unknown name comes back unchanged.")
    public Stream<Resolved> resolve(
            @Name(value = "name", description = "Project id or alias.") String name,
            @Name(value = "options", defaultValue = "{}", description = "{principal (the gateway acting for one)}")
                    Map<String, Object> options) {
        return Stream.of(new Resolved(projects(Options.of("mnemo.project.resolve", options, PRINCIPAL))
                .resolve(name)));
    }

    @Procedure(name = "mnemo.project.state.set", mode = Mode.WRITE)
    @Description("Set a trusted state entry of a project (category one of status, decision, constraint, fact, "
            + "contact, next_step); a changed value supersedes the active entry, which is kept as history.")
    public Stream<StateRow> stateSet(
            @Name(value = "project", description = "Project id or alias (resolved to the id).") String project,
            @Name(value = "category", description = "status, decision, constraint, fact, contact or next_step.")
                    String category,
            @Name(value = "key", description = "What the entry is about, unique within the category.") String key,
            @Name(value = "value", description = "The entry's value.") String value,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{source, confidence (0..1, default 1), principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.state.set";
        Options o = Options.of(procedure, options, Set.of("source", "confidence", "principal"));
        Node node = projects(o).get(procedure, project);
        return Stream.of(stateRow(new ProjectStates(tx)
                .set(
                        procedure,
                        node,
                        category,
                        key,
                        value,
                        o.string("source", null),
                        o.has("confidence") ? o.number("confidence", 1.0, 0.0, 1.0) : null)));
    }

    @Procedure(name = "mnemo.project.state.invalidate", mode = Mode.WRITE)
    @Description("Mark a project's active state entry superseded (kept as history); invalidated is false when "
            + "there was none.")
    public Stream<Invalidated> stateInvalidate(
            @Name(value = "project", description = "Project id or alias (resolved to the id).") String project,
            @Name(value = "category", description = "status, decision, constraint, fact, contact or next_step.")
                    String category,
            @Name(value = "key", description = "The entry's key.") String key,
            @Name(value = "options", defaultValue = "{}", description = "{principal (the gateway acting for one)}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.state.invalidate";
        Node node = projects(Options.of(procedure, options, PRINCIPAL)).get(procedure, project);
        boolean invalidated = new ProjectStates(tx).invalidate(procedure, node, category, key);
        return Stream.of(new Invalidated((String) node.getProperty("id"), category, key, invalidated));
    }

    @Procedure(name = "mnemo.project.state.list", mode = Mode.READ)
    @Description("A project's trusted state by category and key: the active entries, or with {include_history} "
            + "the superseded ones too, newest first.")
    public Stream<StateRow> stateList(
            @Name(value = "project", description = "Project id or alias (resolved to the id).") String project,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{category, include_history (false), principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.project.state.list";
        Options o = Options.of(procedure, options, Set.of("category", "include_history", "principal"));
        Node node = projects(o).get(procedure, project);
        return new ProjectStates(tx)
                .list(procedure, node, o.string("category", null), o.bool("include_history", false)).stream()
                        .map(ProjectProcedures::stateRow);
    }

    /** The registry as the caller sees it: the gateway passes the principal it acts for. */
    private Projects projects(Options o) {
        return new Projects(tx, Analyst.of(tx, db), o.string("principal", null));
    }

    private static Projects.Fields fields(Options o, String owner) {
        return new Projects.Fields(
                o.strings("aliases", null),
                o.string("description", null),
                o.string("status", null),
                o.strings("ingest_roots", null),
                o.strings("libraries", null),
                owner);
    }

    private static ProjectRow row(Node p) {
        return new ProjectRow(
                (String) p.getProperty("id"),
                List.of((String[]) p.getProperty("aliases", new String[0])),
                (String) p.getProperty("description", null),
                (String) p.getProperty("status", null),
                List.of((String[]) p.getProperty("ingest_roots", new String[0])),
                Projects.libraries(p),
                (String) p.getProperty("owner", null));
    }

    private static StateRow stateRow(Node s) {
        return new StateRow(
                (String) s.getProperty("project"),
                (String) s.getProperty("category"),
                (String) s.getProperty("key"),
                (String) s.getProperty("value"),
                (String) s.getProperty("source", null),
                (Double) s.getProperty("confidence"),
                (String) s.getProperty("status"),
                (ZonedDateTime) s.getProperty("created_at"),
                (ZonedDateTime) s.getProperty("updated_at"));
    }
}
