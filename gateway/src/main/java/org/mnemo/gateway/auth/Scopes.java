package org.mnemo.gateway.auth;

import java.util.List;

/**
 * What a token's {@code allowed_tools} can name: each MCP tool, and the management scopes that REST routes need.
 * A REST route needs the scope of the tool that does the same thing, so a token limited to {@code search} can
 * search over REST and MCP alike and do nothing else; an empty list allows everything the owner may do.
 */
public final class Scopes {
    public static final String SEARCH = "search";
    public static final String GET_CHUNK = "get_chunk";
    public static final String LIST_LIBRARIES = "list_libraries";
    public static final String LIST_COLLECTIONS = "list_collections";
    public static final String LIST_ITEMS = "list_items";
    public static final String NEIGHBORS = "get_concept_neighbors";
    public static final String HEALTH = "get_health";
    public static final String LIST_WRITABLE_NAMESPACES = "list_writable_namespaces";
    public static final String LIST_READABLE_NAMESPACES = "list_readable_namespaces";
    public static final String COMMIT_MEMORY_V2 = "commit_memory_v2";
    public static final String COMMIT_SUMMARY = "commit_summary";
    public static final String SEARCH_MEMORY = "search_memory";
    public static final String FORGET_MEMORY = "forget_memory";
    public static final String COMMIT_MEMORY = "commit_memory";
    public static final String RECALL_MEMORY = "recall_memory";
    /** The context engine's agent tools (and their REST routes under /atocore/). */
    public static final String BUILD_CONTEXT = "build_context";

    public static final String GET_PROJECT_STATE = "get_project_state";
    public static final String RECORD_INTERACTION = "record_interaction";
    public static final String LIST_PROJECTS = "list_projects";

    /** Libraries, collections, items, uploads, ingest jobs: creating, changing, deleting. */
    public static final String MANAGE_LIBRARIES = "manage_libraries";
    /** Creating and revoking tokens (never wider than the token that creates them). */
    public static final String MANAGE_TOKENS = "manage_tokens";

    public static final String MANAGE_TEAMS = "manage_teams";
    /** The workspace tree and its memberships (the principal also needs the capability of that name). */
    public static final String MANAGE_WORKSPACES = "manage_workspaces";
    /** One's own memberships: listing them, accepting a pending grant, leaving. */
    public static final String MANAGE_MEMBERSHIPS = "manage_memberships";
    /** Projects, their trusted state, context memories and the review queue, interactions' history. */
    public static final String MANAGE_PROJECTS = "manage_projects";
    /** Users, service accounts, signing keys, memory export and import: the administrator's own work. */
    public static final String ADMIN = "admin";

    public static final List<String> ALL = List.of(
            SEARCH,
            GET_CHUNK,
            LIST_LIBRARIES,
            LIST_COLLECTIONS,
            LIST_ITEMS,
            NEIGHBORS,
            HEALTH,
            LIST_WRITABLE_NAMESPACES,
            LIST_READABLE_NAMESPACES,
            COMMIT_MEMORY_V2,
            COMMIT_SUMMARY,
            SEARCH_MEMORY,
            FORGET_MEMORY,
            COMMIT_MEMORY,
            RECALL_MEMORY,
            BUILD_CONTEXT,
            GET_PROJECT_STATE,
            RECORD_INTERACTION,
            LIST_PROJECTS,
            MANAGE_LIBRARIES,
            MANAGE_TOKENS,
            MANAGE_TEAMS,
            MANAGE_WORKSPACES,
            MANAGE_MEMBERSHIPS,
            MANAGE_PROJECTS,
            ADMIN);

    private Scopes() {}
}
