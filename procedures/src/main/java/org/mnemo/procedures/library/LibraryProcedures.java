package org.mnemo.procedures.library;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.namespace.Grants;
import org.mnemo.procedures.namespace.Role;
import org.mnemo.procedures.options.Options;
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

public class LibraryProcedures {
    @Context
    public GraphDatabaseService db;

    @Context
    public Transaction tx;

    public record TypeRow(
            String name,
            long chunk_size,
            long chunk_overlap,
            String chunk_strategy,
            String embedding_instruction,
            String reranker_instruction,
            String vision_prompt,
            String context_prompt) {}

    public record DeleteResult(long libraries, long collections, long items, long chunks, long concepts) {}

    @Procedure(name = "mnemo.library.create", mode = Mode.WRITE)
    @Description("Create a library of one of the nine types, or return the same library when asked again; conflicts "
            + "fail with name_conflict, owner_conflict or library_type_immutable.")
    public Stream<Libraries.LibraryRow> create(
            @Name(value = "name", description = "Globally unique library name.") String name,
            @Name(
                            value = "library_type",
                            description = "fiction, nonfiction, technical, music, film, art, journal, "
                                    + "business or finance.")
                    String libraryType,
            @Name(value = "options", defaultValue = "{}", description = "{description, workspace_id, owner}")
                    Map<String, Object> options) {
        String procedure = "mnemo.library.create";
        Options o = Options.of(procedure, options, Set.of("description", "workspace_id", "owner"));
        String cleanName = requireName(procedure, name);
        LibraryType type = LibraryType.parse(libraryType, procedure + ": 'library_type'");
        String workspaceId = o.string("workspace_id", null);
        if (workspaceId != null && workspaceId.isBlank()) {
            throw o.error("workspace_id", "must not be blank");
        }
        Analyst analyst = Analyst.of(tx, db);
        String owner = o.string("owner", null);
        if (!analyst.trusted()) {
            // A restricted Neo4j user creates libraries of its own, in workspaces it owns.
            owner = analyst.actingAs(owner);
            if (workspaceId != null && Grants.role(tx, owner, workspaceId) != Role.OWNER) {
                throw new IllegalArgumentException(
                        "not_found: " + procedure + ": no workspace '" + workspaceId + "' that '" + owner + "' owns");
            }
        }
        var spec = new Libraries.NewLibrary(cleanName, type, o.string("description", null), workspaceId, owner);
        return Stream.of(Libraries.create(tx, spec));
    }

    @Procedure(name = "mnemo.library.get", mode = Mode.READ)
    @Description("Return one library (by uid or name) with its counts, if it is in the caller's libraries.")
    public Stream<Libraries.LibraryRow> get(
            @Name(value = "library", description = "Library uid or name.") String library,
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries) {
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, "mnemo.library.get"), "mnemo.library.get");
        Node node = library == null ? null : Libraries.find(tx, library);
        if (node == null
                || node.hasProperty("deleting")
                || !(scope.all() || scope.libraries().contains((String) node.getProperty("uid")))) {
            return Stream.empty();
        }
        return Stream.of(Libraries.row(node, false));
    }

    @Procedure(name = "mnemo.library.list", mode = Mode.READ)
    @Description("List the caller's libraries by name with item and chunk counts, paginated.")
    public Stream<Libraries.LibraryRow> list(
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries,
            @Name(
                            value = "options",
                            defaultValue = "{}",
                            description = "{library_type, workspace_id, "
                                    + "include_workspace: true, limit: 50 (max 200), offset: 0}")
                    Map<String, Object> options) {
        String procedure = "mnemo.library.list";
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, procedure), procedure);
        Options o = Options.of(
                procedure, options, Set.of("library_type", "workspace_id", "include_workspace", "limit", "offset"));
        LibraryType type = o.has("library_type")
                ? LibraryType.parse(o.string("library_type", null), procedure + ": 'library_type'")
                : null;
        long limit = o.integer("limit", 50, 1, 200);
        long offset = o.integer("offset", 0, 0, Long.MAX_VALUE);
        if (scope.isEmpty()) {
            return Stream.empty();
        }
        return Libraries.list(
                tx,
                scope,
                new Libraries.Filter(type, o.string("workspace_id", null), o.bool("include_workspace", true)),
                offset,
                limit)
                .stream();
    }

    @Procedure(name = "mnemo.library.update", mode = Mode.WRITE)
    @Description("Rename a library or change its description; changing library_type fails with library_type_immutable.")
    public Stream<Libraries.LibraryRow> update(
            @Name(value = "uid", description = "Library uid.") String uid,
            @Name(value = "changes", description = "{name, description, library_type}") Map<String, Object> changes) {
        String procedure = "mnemo.library.update";
        Options o = Options.of(procedure, changes, Set.of("name", "description", "library_type"));
        String name = o.has("name") ? requireName(procedure, o.string("name", null)) : null;
        LibraryType type = o.has("library_type")
                ? LibraryType.parse(o.string("library_type", null), procedure + ": 'library_type'")
                : null;
        Analyst.of(tx, db)
                .requireMayChange(
                        uid == null ? null : tx.findNode(GraphModel.LIBRARY, "uid", uid),
                        procedure,
                        "library '" + uid + "'");
        return Stream.of(Libraries.update(tx, uid, name, o.string("description", null), type));
    }

    @Procedure(name = "mnemo.library.delete", mode = Mode.WRITE)
    @Description("Delete a library with its collections, items and chunks, then the concepts no longer mentioned "
            + "anywhere; commits in batches of its own.")
    public Stream<DeleteResult> delete(@Name(value = "uid", description = "Library uid.") String uid) {
        if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("mnemo.library.delete: 'uid' must not be empty");
        }
        Analyst analyst = Analyst.of(tx, db);
        if (!analyst.trusted()) {
            analyst.requireMayChange(
                    tx.findNode(GraphModel.LIBRARY, "uid", uid), "mnemo.library.delete", "library '" + uid + "'");
        }
        Cascade.Deleted d = Cascade.deleteLibrary(db, uid);
        return Stream.of(new DeleteResult(d.libraries(), d.collections(), d.items(), d.chunks(), d.concepts()));
    }

    @Procedure(name = "mnemo.library.types", mode = Mode.READ)
    @Description("List the nine library types with their chunking settings and prompts.")
    public Stream<TypeRow> types() {
        return java.util.Arrays.stream(LibraryType.values()).map(t -> {
            Map<String, Object> p = t.properties();
            return new TypeRow(
                    t.key(),
                    t.chunkSize(),
                    t.chunkOverlap(),
                    (String) p.get("chunk_strategy"),
                    (String) p.get("embedding_instruction"),
                    (String) p.get("reranker_instruction"),
                    (String) p.get("vision_prompt"),
                    (String) p.get("context_prompt"));
        });
    }

    private static String requireName(String procedure, String name) {
        if (name == null || name.isBlank() || name.strip().length() > 200) {
            throw new IllegalArgumentException(procedure + ": 'name' must be 1..200 characters");
        }
        return name.strip();
    }
}
