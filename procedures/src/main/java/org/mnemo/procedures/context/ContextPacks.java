package org.mnemo.procedures.context;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mnemo.procedures.memory.MemorySearch;
import org.mnemo.procedures.project.ProjectStates;
import org.mnemo.procedures.project.Projects;
import org.mnemo.procedures.search.HybridSearch;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * Assembles a context pack: a block of text within a character budget, in trust order — (1) the project's trusted
 * state, within a reserved share of the budget, (2) its active memories relevant to the prompt, within their
 * share of what is left, (3) source chunks from hybrid search over the project's libraries (or, with no project,
 * over the caller's whole scope), in what remains. A lower layer never displaces a higher one, however it scores.
 * Entries go in whole while they fit; the first that does not is cut to the space left (when that is worth
 * reading), and the layer ends there. The pack is stored (the last one per caller, and any an interaction cites).
 */
public final class ContextPacks {
    public static final Label CONTEXT_PACK = Label.label("ContextPack");
    public static final String STATE_HEADER = "--- Trusted Project State ---\n";
    public static final String MEMORY_HEADER = "--- Project Memories ---\n";
    public static final String CHUNK_HEADER = "--- Source Chunks ---\n";
    /** A cut entry shorter than this would be noise: the layer ends instead. */
    static final int MIN_CUT = 40;

    private static final int STORED_PROMPT_CHARS = 2_000;

    /** How the budget is shared: the total in characters and the shares of state and memories. */
    public record Budget(int total, double stateShare, double memoryShare) {
        public static final int DEFAULT = 3_000;
        public static final double DEFAULT_STATE_SHARE = 0.2;
        public static final double DEFAULT_MEMORY_SHARE = 0.3;
    }

    /** A chunk as the pack cites it. */
    public record PackChunk(
            String chunk_uid,
            String item_uid,
            String source_file,
            String heading_path,
            double score,
            String library_uid) {}

    /** What the pack draws from: a memory search and a chunk search, both already scoped to the caller. */
    public interface Sources {
        List<MemorySearch.Found> memories(List<String> namespaces, String prompt);

        /** Chunks for {@code prompt}, with {@code names} (the project's id and aliases, or "") boosting words. */
        List<HybridSearch.Hit> chunks(List<String> libraries, String prompt, String names);
    }

    /** A built pack. */
    public record Pack(
            String pack_id,
            String project,
            String formatted_context,
            long chunks_used,
            long memories_used,
            long project_state_chars,
            long memory_chars,
            long chunk_chars,
            long total_chars,
            long budget,
            long budget_remaining,
            long duration_ms,
            List<Map<String, Object>> chunks,
            List<String> memory_ids) {}

    private final Transaction tx;
    private final Projects projects;
    private final ProjectMemories projectMemories;
    private final Sources sources;

    public ContextPacks(Transaction tx, Projects projects, ProjectMemories projectMemories, Sources sources) {
        this.tx = tx;
        this.projects = projects;
        this.projectMemories = projectMemories;
        this.sources = sources;
    }

    /**
     * Builds and stores the pack for {@code prompt}. {@code scope} is what the caller may read (library uids or
     * ['*']); a project narrows it to the libraries it uses. An unknown project name gives the corpus-wide pack.
     */
    public Pack build(String prompt, String projectName, List<String> scope, Budget budget) {
        long started = System.nanoTime();
        String resolved = projects.resolve(projectName);
        Node project = projects.lookup(resolved);
        StringBuilder text = new StringBuilder();

        int stateChars = layer(text, STATE_HEADER, project == null ? List.of() : stateLines(project), (int)
                        Math.floor(budget.total() * budget.stateShare()))
                .chars();

        List<MemorySearch.Found> memories = sources.memories(projectMemories.namespaces(project), prompt);
        List<String> memoryIds = new ArrayList<>();
        List<String> memoryLines = new ArrayList<>();
        for (MemorySearch.Found m : memories) {
            String type = m.tags().stream().findFirst().orElse(m.kind());
            memoryLines.add("[" + type + "] " + oneLine(m.content()) + "\n");
            memoryIds.add(m.id());
        }
        int memoryRoom = Math.min((int) Math.floor(budget.total() * budget.memoryShare()), budget.total() - stateChars);
        Layer memoryLayer = layer(text, separated(text, MEMORY_HEADER), memoryLines, memoryRoom);
        int memoryUsed = memoryLayer.chars();
        memoryIds = memoryIds.subList(0, memoryLayer.entries());

        List<String> libraries = project == null ? scope : narrowed(scope, Projects.libraries(project));
        List<HybridSearch.Hit> hits = libraries.isEmpty()
                ? List.of()
                : sources.chunks(libraries, prompt, project == null ? "" : names(project));
        List<String> chunkLines = new ArrayList<>();
        for (HybridSearch.Hit hit : hits) {
            chunkLines.add("[" + oneLine(sourceFile(hit) + headingSuffix(hit)) + "]\n" + quoted(chunkText(hit)) + "\n");
        }
        int chunkRoom = budget.total() - stateChars - memoryUsed;
        Layer chunkLayer = layer(text, separated(text, CHUNK_HEADER), chunkLines, chunkRoom);
        int chunkUsed = chunkLayer.chars();
        List<Map<String, Object>> chunks = new ArrayList<>();
        for (HybridSearch.Hit hit : hits.subList(0, chunkLayer.entries())) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("chunk_uid", hit.chunk_uid());
            c.put("item_uid", hit.item_uid());
            c.put("source_file", sourceFile(hit));
            c.put("heading_path", headingPath(hit));
            c.put("score", hit.score());
            c.put("library_uid", hit.library_uid());
            chunks.add(c);
        }
        String formatted = text.toString();
        Pack pack = new Pack(
                UUID.randomUUID().toString(),
                project == null ? resolved : (String) project.getProperty("id"),
                formatted,
                chunks.size(),
                memoryIds.size(),
                stateChars,
                memoryUsed,
                chunkUsed,
                formatted.length(),
                budget.total(),
                budget.total() - formatted.length(),
                (System.nanoTime() - started) / 1_000_000,
                chunks,
                List.copyOf(memoryIds));
        store(pack, prompt);
        return pack;
    }

    /** The last pack of {@code owner}, or null. */
    public static Node last(Transaction tx, String owner) {
        Map<String, Object> params = new HashMap<>();
        params.put("owner", owner);
        var found = tx.execute("""
                MATCH (p:ContextPack {owner: $owner}) RETURN p ORDER BY p.created_at DESC LIMIT 1""", params);
        return found.hasNext() ? (Node) found.next().get("p") : null;
    }

    /** A pack of {@code owner}'s, by id, or null. */
    static Node find(Transaction tx, String owner, String id) {
        Node pack = id == null ? null : tx.findNode(CONTEXT_PACK, "id", id);
        return pack != null && owner.equals(pack.getProperty("owner", null)) ? pack : null;
    }

    private String owner() {
        return projects.ownerKey();
    }

    /** What a layer took: its characters and how many entries it shows (whole or cut). */
    record Layer(int chars, int entries) {}

    /**
     * Appends a layer of {@code lines} under {@code header} within {@code room} characters; nothing when not even
     * the header and a worthwhile first entry fit.
     */
    static Layer layer(StringBuilder text, String header, List<String> lines, int room) {
        if (lines.isEmpty() || header.length() + Math.min(MIN_CUT, lines.get(0).length()) > room) {
            return new Layer(0, 0);
        }
        int start = text.length();
        int entries = 0;
        text.append(header);
        for (String line : lines) {
            int left = room - (text.length() - start);
            if (line.length() <= left) {
                text.append(line);
                entries++;
            } else {
                if (left >= MIN_CUT) {
                    text.append(line, 0, left - 2).append("…\n");
                    entries++;
                }
                break;
            }
        }
        return new Layer(text.length() - start, entries);
    }

    /**
     * A memory, a state entry or a source name on one line: a newline in them could start a line that looks like
     * a section of the pack.
     */
    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*[\\r\\n\\u000B\\u000C\\u0085\\u2028\\u2029]+\\s*", " ");
    }

    /**
     * A document's text, each line quoted with "> ": whatever a document says — a line like a section header or
     * a state entry — reads as the document's, never as a layer of the pack above it.
     */
    static String quoted(String text) {
        return "> "
                + text.strip()
                        .replaceAll("\\r\\n?|[\\u000B\\u000C\\u0085\\u2028\\u2029]", "\n")
                        .replace("\n", "\n> ");
    }

    /** A layer after another starts with a blank line, counted as its own. */
    private static String separated(StringBuilder text, String header) {
        return text.length() == 0 ? header : "\n" + header;
    }

    private List<String> stateLines(Node project) {
        List<String> lines = new ArrayList<>();
        for (Node s : new ProjectStates(tx).list("mnemo.context.build", project, null, false)) {
            lines.add("[" + s.getProperty("category") + "] "
                    + oneLine(s.getProperty("key") + ": " + s.getProperty("value")) + "\n");
        }
        return lines;
    }

    private static List<String> narrowed(List<String> scope, List<String> projectLibraries) {
        return scope.contains("*")
                ? projectLibraries
                : projectLibraries.stream().filter(scope::contains).toList();
    }

    /** The project's id and aliases, added to the search query so that chunks naming the project rise. */
    private static String names(Node project) {
        List<String> names = new ArrayList<>(List.of((String) project.getProperty("id")));
        names.addAll(List.of((String[]) project.getProperty("aliases", new String[0])));
        return String.join(" ", names);
    }

    private String chunkText(HybridSearch.Hit hit) {
        Node chunk = tx.findNode(Label.label("Chunk"), "uid", hit.chunk_uid());
        return chunk == null ? hit.text_preview() : ((String) chunk.getProperty("text", hit.text_preview())).strip();
    }

    private static String sourceFile(HybridSearch.Hit hit) {
        return hit.item_title() == null || hit.item_title().isBlank() ? hit.item_uid() : hit.item_title();
    }

    private String headingPath(HybridSearch.Hit hit) {
        Node chunk = tx.findNode(Label.label("Chunk"), "uid", hit.chunk_uid());
        return chunk == null ? "" : (String) chunk.getProperty("heading_path", "");
    }

    private String headingSuffix(HybridSearch.Hit hit) {
        String path = headingPath(hit);
        return path.isEmpty() ? "" : " > " + path;
    }

    private void store(Pack pack, String prompt) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Node node = tx.createNode(CONTEXT_PACK);
        node.setProperty("id", pack.pack_id());
        node.setProperty("owner", owner());
        node.setProperty("project", pack.project());
        node.setProperty(
                "prompt", prompt.length() > STORED_PROMPT_CHARS ? prompt.substring(0, STORED_PROMPT_CHARS) : prompt);
        node.setProperty("formatted_context", pack.formatted_context());
        node.setProperty("budget", pack.budget());
        node.setProperty("total_chars", pack.total_chars());
        node.setProperty("project_state_chars", pack.project_state_chars());
        node.setProperty("chunks_used", pack.chunks_used());
        node.setProperty("memories_used", pack.memories_used());
        node.setProperty(
                "chunk_uids",
                pack.chunks().stream().map(c -> (String) c.get("chunk_uid")).toArray(String[]::new));
        node.setProperty("memory_ids", pack.memory_ids().toArray(String[]::new));
        node.setProperty("duration_ms", pack.duration_ms());
        node.setProperty("created_at", now);
        // Only the last pack per caller is kept for debugging, besides those an interaction was given.
        Map<String, Object> params = new HashMap<>();
        params.put("owner", owner());
        params.put("id", pack.pack_id());
        tx.execute("""
                MATCH (p:ContextPack {owner: $owner}) WHERE p.id <> $id AND NOT (p)<-[:GIVEN]-(:Interaction)
                DELETE p""", params).close();
    }
}
