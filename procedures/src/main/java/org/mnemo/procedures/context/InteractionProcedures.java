package org.mnemo.procedures.context;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.config.MnemoConfig;
import org.mnemo.procedures.embed.Embedders;
import org.mnemo.procedures.memory.Memories;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.project.Projects;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.scope.Scope;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/** Interactions and the reflection loop: record, reinforce, extract candidates. */
public class InteractionProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    /** A recorded interaction with the memories its recording reinforced. */
    public record Recorded(
            String id, String project, ZonedDateTime created_at, String pack_id, List<String> reinforced) {}

    @Procedure(name = "mnemo.interaction.record", mode = Mode.WRITE)
    @Description("Record a prompt/response interaction (project resolved first), linked to the pack it was given "
            + "and the memories and chunks used; with reinforce (default true) the project's active memories the "
            + "response used gain confidence (+0.02, at most 1) and a reference.")
    public Stream<Recorded> record(
            @Name(value = "prompt", description = "The prompt (non-empty, at most 50,000 characters).") String prompt,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{response, project, client, session_id, "
                                    + "pack_id, memories_used, chunks_used, libraries (what the caller may read; only chunks there are "
                                    + "linked), reinforce: true, principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.interaction.record";
        Options o = Options.of(
                procedure,
                options,
                Set.of(
                        "response",
                        "project",
                        "client",
                        "session_id",
                        "pack_id",
                        "memories_used",
                        "chunks_used",
                        "libraries",
                        "reinforce",
                        "principal"));
        Scope readable =
                Analyst.of(tx, db).scope(Scope.of(o.strings("libraries", List.of(Scope.ALL)), procedure), procedure);
        Interactions interactions = interactions(o);
        Node node = interactions.record(
                procedure,
                new Interactions.Draft(
                        prompt,
                        o.string("response", null),
                        o.string("project", null),
                        o.string("client", null),
                        o.string("session_id", null),
                        o.string("pack_id", null),
                        o.strings("memories_used", null),
                        o.strings("chunks_used", null),
                        readable.all() ? List.of(Scope.ALL) : readable.libraries()));
        List<String> reinforced =
                o.bool("reinforce", true) ? interactions.reinforce(node).reinforced() : List.of();
        Interactions.Row row = Interactions.row(node);
        return Stream.of(new Recorded(row.id(), row.project(), row.created_at(), row.pack_id(), reinforced));
    }

    @Procedure(name = "mnemo.interaction.list", mode = Mode.READ)
    @Description("The caller's interactions, newest first, filtered by project, session_id, client and since "
            + "(an ISO date or date-time; a date means its start, UTC).")
    public Stream<Interactions.Row> list(
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{project, session_id, client, since, " + "limit: 100 (max 500), principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.interaction.list";
        Options o = Options.of(
                procedure, options, Set.of("project", "session_id", "client", "since", "limit", "principal"));
        return interactions(o)
                .list(o.string("project", null), o.string("session_id", null), o.string("client", null), since(o), (int)
                        o.integer("limit", 100, 1, Interactions.MAX_LIST))
                .stream();
    }

    @Procedure(name = "mnemo.interaction.get", mode = Mode.READ)
    @Description("One of the caller's interactions, by id (not_found otherwise).")
    public Stream<Interactions.Row> get(
            @Name(value = "id", description = "The interaction's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{principal}") Map<String, Object> options) {
        String procedure = "mnemo.interaction.get";
        Options o = Options.of(procedure, options, Set.of("principal"));
        return Stream.of(Interactions.row(interactions(o).get(procedure, id)));
    }

    @Procedure(name = "mnemo.interaction.reinforce", mode = Mode.WRITE)
    @Description("Reinforce the active memories of an interaction's project that its response used and that it has "
            + "not reinforced before (memories added since, for example).")
    public Stream<Interactions.Reinforced> reinforce(
            @Name(value = "id", description = "The interaction's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{principal}") Map<String, Object> options) {
        String procedure = "mnemo.interaction.reinforce";
        Interactions interactions = interactions(Options.of(procedure, options, Set.of("principal")));
        return Stream.of(interactions.reinforce(interactions.get(procedure, id)));
    }

    @Procedure(name = "mnemo.interaction.extract", mode = Mode.WRITE)
    @Description("Candidate memories the rules find in an interaction (## Decision: … → adaptation, preferences, "
            + "facts stated as such), less duplicates of the project's memories; with persist, stored as "
            + "candidates for review (never active).")
    public Stream<Interactions.Proposed> extract(
            @Name(value = "id", description = "The interaction's id.") String id,
            @Name(value = "options", defaultValue = "{}", description = "{persist: false, principal}")
                    Map<String, Object> options) {
        String procedure = "mnemo.interaction.extract";
        Options o = Options.of(procedure, options, Set.of("persist", "principal"));
        Interactions interactions = interactions(o);
        return interactions.extract(procedure, interactions.get(procedure, id), o.bool("persist", false)).stream();
    }

    private Interactions interactions(Options o) {
        Projects projects = new Projects(tx, Analyst.of(tx, db), o.string("principal", null));
        return new Interactions(
                tx,
                projects,
                new ProjectMemories(
                        tx,
                        projects,
                        new Memories(tx, Embedders.get(MnemoConfig.of(db).embedder()))));
    }

    private static ZonedDateTime since(Options o) {
        String since = o.string("since", null);
        if (since == null || since.isBlank()) {
            return null;
        }
        // Clients send dates, date-times with or without an offset, or a space for the T: all mean UTC unless said.
        String text = since.strip().replace(' ', 'T');
        try {
            if (text.length() <= 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC);
            }
            return text.matches(".*(Z|[+-]\\d\\d:?\\d\\d)$")
                    ? OffsetDateTime.parse(text).atZoneSameInstant(ZoneOffset.UTC)
                    : LocalDateTime.parse(text).atZone(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw o.error(
                    "since",
                    "must be an ISO date (2026-11-26) or date-time (2026-11-26T10:00:00Z), got '" + since + "'");
        }
    }
}
