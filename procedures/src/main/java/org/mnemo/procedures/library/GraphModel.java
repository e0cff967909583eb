package org.mnemo.procedures.library;

import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.RelationshipType;

/** Labels and relationship types of Mnemo's graph; docs/graph-model.md describes each. */
public final class GraphModel {
    public static final Label LIBRARY = Label.label("Library");
    public static final Label LIBRARY_TYPE = Label.label("LibraryType");
    public static final Label COLLECTION = Label.label("Collection");
    public static final Label ITEM = Label.label("Item");
    public static final Label CHUNK = Label.label("Chunk");
    public static final Label CONCEPT = Label.label("Concept");

    public static final RelationshipType OF_TYPE = RelationshipType.withName("OF_TYPE");
    public static final RelationshipType HAS_COLLECTION = RelationshipType.withName("HAS_COLLECTION");
    public static final RelationshipType HAS_ITEM = RelationshipType.withName("HAS_ITEM");
    public static final RelationshipType HAS_CHUNK = RelationshipType.withName("HAS_CHUNK");
    public static final RelationshipType NEXT = RelationshipType.withName("NEXT");
    public static final RelationshipType MENTIONS = RelationshipType.withName("MENTIONS");
    public static final RelationshipType RELATED_TO = RelationshipType.withName("RELATED_TO");

    public static final String COMPLETED = "completed";
    public static final String DEFAULT_COLLECTION = "default";

    private GraphModel() {}
}
