package org.mnemo.procedures.graph;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.mnemo.procedures.options.Options;
import org.mnemo.procedures.scope.Analyst;
import org.mnemo.procedures.scope.Scope;
import org.mnemo.procedures.scope.ScopedChunks;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class GraphProcedures {
    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    @Procedure(name = "mnemo.graph.neighbors", mode = Mode.READ)
    @Description("Return the concepts and chunks around a chunk or concept (uid or concept name), breadth first up "
            + "to 'depth', strongest first, limited to the caller's libraries.")
    public Stream<Neighbourhood.Neighbour> neighbors(
            @Name(value = "start", description = "A chunk uid, a concept uid or a concept name.") String start,
            @Name(value = "libraries", description = "Library uids the caller may read; ['*'] for all.")
                    List<String> libraries,
            @Name(value = "options", defaultValue = "{}", description = "{depth: 1 (max 3), limit: 25 (max 200)}")
                    Map<String, Object> options) {
        String procedure = "mnemo.graph.neighbors";
        Scope scope = Analyst.of(tx, db).scope(Scope.of(libraries, procedure), procedure);
        Options o = Options.of(procedure, options, Set.of("depth", "limit"));
        int depth = (int) o.integer("depth", 1, 1, 3);
        int limit = (int) o.integer("limit", 25, 1, 200);
        if (start == null || start.isBlank()) {
            throw new IllegalArgumentException(
                    procedure + ": 'start' must be a chunk uid, concept uid or concept name");
        }
        if (scope.isEmpty()) {
            return Stream.empty();
        }
        Neighbourhood neighbourhood = new Neighbourhood(tx, new ScopedChunks(scope, null, null));
        Node node = neighbourhood.start(start);
        return node == null ? Stream.empty() : neighbourhood.around(node, depth, limit).stream();
    }
}
