package org.mnemo.procedures.scope;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;

/**
 * The one parent a chunk (its item), an item (its collection) or a collection (its library) hangs from, found
 * through the relationship of that type pointing at it; null when there is none.
 */
@FunctionalInterface
public interface Parents {
    /** Walks the child's relationships in the store. */
    Parents STORE = (child, type) -> {
        Relationship r = child.getSingleRelationship(type, Direction.INCOMING);
        return r == null ? null : r.getStartNode();
    };

    Node of(Node child, RelationshipType type);
}
