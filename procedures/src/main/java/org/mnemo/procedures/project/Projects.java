package org.mnemo.procedures.project;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mnemo.procedures.library.Libraries;
import org.mnemo.procedures.scope.Analyst;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/**
 * The project registry. A project's id never changes and keeps its casing; the id and every alias are also held as
 * one {@code (:ProjectName {key})} per lower-cased name, unique in the schema, so a name belongs to at most one
 * project even when two registrations race. A restricted Neo4j user (see {@link Analyst}) registers projects it owns
 * and sees only those: any other project answers {@code not_found}, as one that does not exist would.
 */
public final class Projects {
    public static final Label PROJECT = Label.label("Project");
    public static final Label PROJECT_NAME = Label.label("ProjectName");
    public static final RelationshipType NAMES = RelationshipType.withName("NAMES");
    public static final RelationshipType USES_LIBRARY = RelationshipType.withName("USES_LIBRARY");

    private static final String ID = "[A-Za-z0-9._@:-]{1,200}";
    private static final int MAX_NAME = 200;

    /** A project's fields as a call gives them; null = not given (leave as is on update). */
    public record Fields(
            List<String> aliases,
            String description,
            String status,
            List<String> ingestRoots,
            List<String> libraries,
            String owner) {}

    private final Transaction tx;
    private final Analyst analyst;
    /** Whether every project is visible (a trusted caller not acting as anyone). */
    private final boolean all;
    /** The principal whose projects are visible when not all are. */
    private final String principal;

    public Projects(Transaction tx, Analyst analyst) {
        this(tx, analyst, null);
    }

    /**
     * The registry as {@code actingAs} sees it: a trusted caller (the gateway) may act as a principal, and then
     * sees and registers only that principal's projects; a restricted user always acts as its own.
     */
    public Projects(Transaction tx, Analyst analyst, String actingAs) {
        this.tx = tx;
        this.analyst = analyst;
        this.all = analyst.trusted() && actingAs == null;
        this.principal = analyst.trusted() ? actingAs : analyst.principal();
    }

    /** The principal a write acts as (null: a trusted caller acting as nobody). */
    public String principal() {
        return principal;
    }

    /** What the caller's own records (packs, interactions) are keyed by: its principal, or "" for nobody. */
    public String ownerKey() {
        return principal == null ? "" : principal;
    }

    /** The lookup key of an id or alias: case and surrounding white space do not tell projects apart. */
    static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    public Node register(String procedure, String id, Fields fields) {
        if (id == null || !id.matches(ID) || id.chars().noneMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException(procedure + ": 'id' must be 1..200 letters, digits or . _ @ : -, with "
                    + "at least one letter or digit");
        }
        // A restricted user registers projects of its own, whatever owner it names.
        String owner = all ? fields.owner() : analyst.trusted() ? principal : analyst.actingAs(null);
        Node taken = holder(key(id));
        if (taken != null) {
            throw taken(procedure, "'id'", id, taken);
        }
        Node project = tx.createNode(PROJECT);
        project.setProperty("id", id);
        project.setProperty("created_at", ZonedDateTime.now(ZoneOffset.UTC));
        if (owner != null) {
            project.setProperty("owner", owner);
        }
        name(project, key(id));
        apply(
                procedure,
                project,
                new Fields(
                        fields.aliases() == null ? List.of() : fields.aliases(),
                        fields.description(),
                        fields.status() == null ? "active" : fields.status(),
                        fields.ingestRoots() == null ? List.of() : fields.ingestRoots(),
                        fields.libraries(),
                        null));
        return project;
    }

    public Node update(String procedure, String name, Fields changes) {
        Node project = get(procedure, name);
        tx.acquireWriteLock(project);
        apply(procedure, project, changes);
        return project;
    }

    /** A project the caller may see, by id or alias in any case; {@code not_found} otherwise. */
    public Node get(String procedure, String name) {
        Node project = find(name);
        if (project == null) {
            throw new IllegalArgumentException("not_found: " + procedure + ": no project '" + name + "'");
        }
        return project;
    }

    /** A project the caller may see, by id or alias in any case, or null. */
    public Node lookup(String name) {
        return find(name);
    }

    /** The canonical id of a visible project named by id or alias; "" for a blank name; the name itself otherwise. */
    public String resolve(String name) {
        if (name == null || name.isBlank()) {
            return "";
        }
        Node project = find(name);
        return project == null ? name : (String) project.getProperty("id");
    }

    /** The projects the caller may see, by id; with an owner, only that owner's. */
    public List<Node> list(String owner) {
        String only = all ? owner : principal;
        if (!all && (only == null || (owner != null && !owner.equals(only)))) {
            return List.of();
        }
        List<Node> projects = new ArrayList<>();
        (only == null ? tx.findNodes(PROJECT) : tx.findNodes(PROJECT, "owner", only)).forEachRemaining(projects::add);
        projects.sort(Comparator.comparing(p -> (String) p.getProperty("id")));
        return projects;
    }

    /** Uids of the libraries a project uses. */
    public static List<String> libraries(Node project) {
        List<String> uids = new ArrayList<>();
        for (Relationship r : project.getRelationships(Direction.OUTGOING, USES_LIBRARY)) {
            uids.add((String) r.getEndNode().getProperty("uid"));
        }
        uids.sort(null);
        return uids;
    }

    private Node find(String name) {
        Node project = name == null || name.isBlank() ? null : holder(key(name));
        return project != null && visible(project) ? project : null;
    }

    private boolean visible(Node project) {
        return all || (principal != null && principal.equals(project.getProperty("owner", null)));
    }

    private Node holder(String key) {
        Node name = tx.findNode(PROJECT_NAME, "key", key);
        return name == null
                ? null
                : name.getSingleRelationship(NAMES, Direction.OUTGOING).getEndNode();
    }

    private void name(Node project, String key) {
        Node name = tx.createNode(PROJECT_NAME);
        name.setProperty("key", key);
        name.createRelationshipTo(project, NAMES);
    }

    /** Names the holder only to a caller that may see it: otherwise the refusal would reveal another's project. */
    private IllegalArgumentException taken(String procedure, String argument, String name, Node holder) {
        String owner = visible(holder) ? "project '" + holder.getProperty("id") + "'" : "another project";
        return new IllegalArgumentException(
                "alias_taken: " + procedure + ": " + argument + " '" + name + "' belongs to " + owner);
    }

    private void apply(String procedure, Node project, Fields fields) {
        if (fields.aliases() != null) {
            aliases(procedure, project, fields.aliases());
        }
        if (fields.description() != null) {
            project.setProperty("description", fields.description());
        }
        if (fields.status() != null) {
            project.setProperty("status", fields.status());
        }
        if (fields.ingestRoots() != null) {
            project.setProperty("ingest_roots", fields.ingestRoots().toArray(String[]::new));
        }
        if (fields.libraries() != null) {
            libraries(procedure, project, fields.libraries());
        }
        project.setProperty("updated_at", ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** Replaces the aliases: names this project already holds stay, new ones must be free, dropped ones are freed. */
    private void aliases(String procedure, Node project, List<String> aliases) {
        String idKey = key((String) project.getProperty("id"));
        Set<String> keys = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>();
        for (String alias : aliases) {
            // A name is read by people and put into packs: no control or format characters (line breaks, …).
            if (alias.isBlank()
                    || alias.length() > MAX_NAME
                    || alias.codePoints()
                            .anyMatch(c -> Character.getType(c) == Character.CONTROL
                                    || Character.getType(c) == Character.FORMAT)) {
                throw new IllegalArgumentException(procedure + ": 'aliases' must hold names of 1.." + MAX_NAME
                        + " characters without control characters, got '" + alias.replaceAll("\\p{Cc}", "?") + "'");
            }
            String key = key(alias);
            Node holder = holder(key);
            if (holder != null && !holder.equals(project)) {
                throw taken(procedure, "'aliases'", alias, holder);
            }
            if (!key.equals(idKey) && keys.add(key)) {
                kept.add(alias.strip());
            }
        }
        for (Relationship r : project.getRelationships(Direction.INCOMING, NAMES)) {
            Node name = r.getStartNode();
            String key = (String) name.getProperty("key");
            if (!key.equals(idKey) && !keys.remove(key)) {
                r.delete();
                name.delete();
            }
        }
        keys.forEach(key -> name(project, key));
        project.setProperty("aliases", kept.toArray(String[]::new));
    }

    /** Replaces the libraries the project uses; a restricted user links only libraries it may change. */
    private void libraries(String procedure, Node project, List<String> names) {
        List<Node> libraries = new ArrayList<>();
        for (String name : names) {
            Node library = Libraries.find(tx, name);
            if (library == null) {
                throw new IllegalArgumentException(
                        "not_found: " + procedure + ": 'libraries' names no library '" + name + "'");
            }
            analyst.requireMayChange(library, procedure, "library '" + name + "'");
            libraries.add(library);
        }
        project.getRelationships(Direction.OUTGOING, USES_LIBRARY).forEach(Relationship::delete);
        libraries.stream().distinct().forEach(library -> project.createRelationshipTo(library, USES_LIBRARY));
    }
}
