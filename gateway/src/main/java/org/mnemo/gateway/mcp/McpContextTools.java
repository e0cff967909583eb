package org.mnemo.gateway.mcp;

import static org.mnemo.gateway.mcp.Schemas.anyObject;
import static org.mnemo.gateway.mcp.Schemas.array;
import static org.mnemo.gateway.mcp.Schemas.bool;
import static org.mnemo.gateway.mcp.Schemas.integer;
import static org.mnemo.gateway.mcp.Schemas.object;
import static org.mnemo.gateway.mcp.Schemas.props;
import static org.mnemo.gateway.mcp.Schemas.string;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mnemo.gateway.context.ContextService;

/**
 * The context engine's agent tools. build_context stores the pack it returns (as the caller's last, for
 * debugging) and record_interaction writes: neither is read-only.
 */
final class McpContextTools {
    private static final Map<String, Object> PROJECT = string("Project id or alias (any case); empty for none");

    private final ContextService context;

    McpContextTools(ContextService context) {
        this.context = context;
    }

    List<McpTools.Tool> all() {
        return List.of(build(), state(), record(), projects());
    }

    private McpTools.Tool build() {
        return new McpTools.Tool(
                "build_context",
                "Build a context pack",
                "A block of context for your prompt within a character budget, in trust order: the project's trusted "
                        + "state, its active memories relevant to the prompt, then source chunks from its libraries "
                        + "(with no project: from every library you may read). Inject formatted_context into your "
                        + "prompt; pass pack_id to record_interaction afterwards.",
                object(
                        props(
                                "prompt",
                                string("What you are about to work on"),
                                "project",
                                PROJECT,
                                "budget",
                                integer("Characters at most", 3000, 200, 200_000)),
                        "prompt"),
                object(
                        props(
                                "pack_id",
                                string("The pack's id"),
                                "project",
                                string("Canonical project id"),
                                "formatted_context",
                                string("The pack's text"),
                                "total_chars",
                                Map.of("type", "integer"),
                                "budget_remaining",
                                Map.of("type", "integer"),
                                "chunks",
                                array("Chunks cited", anyObject("chunk_uid, source_file, heading_path, score"))),
                        "pack_id",
                        "formatted_context"),
                true,
                McpTools.Effect.WRITE,
                (caller, args) -> context.build(caller, args));
    }

    private McpTools.Tool state() {
        return new McpTools.Tool(
                "get_project_state",
                "Get a project's trusted state",
                "The hand-curated state of a project (status, decisions, constraints, facts, contacts, next steps): "
                        + "the most trusted context there is.",
                object(props("project", PROJECT, "include_history", bool("Superseded entries too", false)), "project"),
                object(
                        props(
                                "project",
                                string("Canonical project id"),
                                "state",
                                array("Entries", anyObject("category, key, value, source, confidence, status"))),
                        "project",
                        "state"),
                true,
                McpTools.Effect.READ,
                (caller, args) -> {
                    String name = args.string("project", 200);
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("project", context.project(caller, name).id());
                    result.put("state", context.state(caller, name, args.bool("include_history", false)));
                    return result;
                });
    }

    private McpTools.Tool record() {
        return new McpTools.Tool(
                "record_interaction",
                "Record an interaction",
                "Record the prompt you worked on and your response: the project's memories your response used are "
                        + "reinforced, and the interaction can later be reviewed for new memories.",
                object(
                        props(
                                "prompt",
                                string("The prompt"),
                                "response",
                                string("Your response"),
                                "project",
                                PROJECT,
                                "pack_id",
                                string("The pack build_context gave you"),
                                "session_id",
                                string("Your session"),
                                "client",
                                string("Who you are (e.g. claude-code)"),
                                "reinforce",
                                bool("Reinforce used " + "memories", true)),
                        "prompt"),
                object(
                        props(
                                "id",
                                string("Interaction id"),
                                "project",
                                string("Canonical project id"),
                                "reinforced",
                                array("Memories reinforced", Map.of("type", "string"))),
                        "id"),
                true,
                McpTools.Effect.WRITE,
                (caller, args) -> context.record(caller, args));
    }

    private McpTools.Tool projects() {
        return new McpTools.Tool(
                "list_projects",
                "List projects",
                "Your projects with their aliases, description and status.",
                object(props()),
                object(
                        props(
                                "projects",
                                array(
                                        "Projects",
                                        anyObject("id, aliases, description, status, " + "ingest_roots, libraries"))),
                        "projects"),
                true,
                McpTools.Effect.READ,
                (caller, args) -> Map.of("projects", context.projects(caller)));
    }
}
