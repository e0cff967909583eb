package org.mnemo.gateway.client;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * The rows the mnemo.* procedures answer, one record per result type. Components are named exactly like the
 * procedure's output fields (the driver maps them by name, and Jackson writes them under the same names), and typed
 * as the driver hands them over: INTEGER as long, FLOAT as double, ZONED DATETIME as ZonedDateTime; boxed where the
 * procedure may answer null. Maps stay maps only where they are open-ended (per-leg scores, labels, an exported
 * memory).
 */
public final class Rows {
    private Rows() {}

    @ResultOf("mnemo.access.resolve")
    public record Resolution(
            String status,
            String principal,
            String role,
            String owner,
            List<String> libraries,
            List<String> allowed_tools,
            String token_id,
            List<String> workspaces,
            boolean restricted,
            String max_role,
            List<String> capabilities,
            boolean derived,
            ZonedDateTime expires_at) {}

    @ResultOf("mnemo.access.role")
    public record WorkspaceRole(String workspace_id, String principal, String role) {}

    @ResultOf("mnemo.maintenance.recover")
    public record Recovered(long libraries, long collections, long items, long concepts, long abandoned_items) {}

    @ResultOf("mnemo.metrics")
    public record MetricSample(
            String name,
            String type,
            String help,
            Map<String, Object> labels,
            double value,
            long count,
            List<Double> buckets,
            List<Long> bucket_counts) {}

    @ResultOf({"mnemo.schema.status", "mnemo.schema.apply"})
    public record IndexStatus(String name, String type, String entity, String state, Long dimension, String action) {}

    @ResultOf("mnemo.cache.warm")
    public record CacheWarmed(long items, long chunks, long entries, long bytes, long budget_bytes, boolean full) {}

    /** {@code embedding} is null where the caller did not ask for the vector. */
    @ResultOf("mnemo.embed")
    public record Embedding(List<Double> embedding, String model, long dimension) {}

    @ResultOf({"mnemo.library.create", "mnemo.library.get", "mnemo.library.list", "mnemo.library.update"})
    public record Library(
            String uid,
            String name,
            String library_type,
            String description,
            String workspace_id,
            String owner,
            ZonedDateTime created_at,
            long collection_count,
            long item_count,
            long chunk_count,
            boolean created) {}

    @ResultOf("mnemo.library.delete")
    public record LibraryDeleted(long libraries, long collections, long items, long chunks, long concepts) {}

    @ResultOf({"mnemo.collection.create", "mnemo.collection.get", "mnemo.collection.list", "mnemo.collection.update"})
    public record Collection(
            String uid, String name, String description, String library_uid, String library_name, long item_count) {}

    @ResultOf("mnemo.collection.delete")
    public record CollectionDeleted(long collections, long items, long chunks, long concepts) {}

    @ResultOf({"mnemo.item.get", "mnemo.item.list", "mnemo.item.update"})
    public record Item(
            String uid,
            String title,
            String item_type,
            String file_type,
            String source,
            String source_ref,
            String content_hash,
            String embedding_status,
            String embedding_model,
            long chunk_count,
            long concept_count,
            String collection_uid,
            String library_uid,
            String library_type,
            ZonedDateTime created_at,
            ZonedDateTime updated_at) {}

    @ResultOf("mnemo.item.delete")
    public record ItemDeleted(long items, long chunks, long concepts) {}

    @ResultOf({"mnemo.ingest", "mnemo.ingest.batch", "mnemo.ingest.chunks"})
    public record Ingested(
            String item_uid,
            String library_uid,
            String collection_uid,
            String status,
            long chunk_count,
            long concept_count,
            String superseded_item_uid,
            String embedding_model,
            long took_ms) {}

    @ResultOf("mnemo.search")
    public record Hit(
            String chunk_uid,
            String item_uid,
            String item_title,
            String library_uid,
            String library_type,
            String collection_uid,
            long chunk_index,
            String text_preview,
            double score,
            List<String> sources,
            Map<String, Object> ranks,
            Map<String, Object> raw_scores,
            List<Map<String, Object>> evidence,
            String reranker) {}

    @ResultOf("mnemo.chunk.get")
    public record Chunk(
            String chunk_uid,
            long chunk_index,
            String text,
            long char_start,
            long char_end,
            String item_uid,
            String item_title,
            String collection_uid,
            String library_uid,
            String library_name,
            String library_type,
            String previous_uid,
            String next_uid) {}

    @ResultOf("mnemo.graph.neighbors")
    public record Neighbour(String kind, String uid, String name, long depth, double weight, String via) {}

    @ResultOf("mnemo.namespace.resolve")
    public record Namespaces(
            String workspace_id,
            String root_id,
            long depth,
            List<String> readable,
            List<String> writable,
            String role) {}

    @ResultOf({"mnemo.workspace.get", "mnemo.workspace.upsert", "mnemo.workspace.sync"})
    public record Workspace(
            String id, String parent_id, String name, String status, List<String> custom_namespaces, String manager) {}

    @ResultOf({"mnemo.workspace.grant", "mnemo.workspace.members"})
    public record Member(String workspace_id, String principal, String role, String status) {}

    @ResultOf("mnemo.workspace.revoke")
    public record Revoked(String workspace_id, String principal, boolean revoked) {}

    @ResultOf({"mnemo.workspace.delete", "mnemo.memory.purge"})
    public record Purged(String namespace, long memories) {}

    @ResultOf({"mnemo.membership.list", "mnemo.membership.accept", "mnemo.membership.leave"})
    public record Membership(String workspace_id, String principal, String role, String status, String granted_by) {}

    @ResultOf("mnemo.memory.commit")
    public record Committed(
            String id,
            String namespace,
            String kind,
            String status,
            boolean created,
            boolean updated,
            boolean redacted,
            ZonedDateTime created_at,
            ZonedDateTime expires_at) {}

    @ResultOf("mnemo.memory.search")
    public record Memory(
            String id,
            String namespace,
            String kind,
            String content,
            List<String> tags,
            String source,
            Double confidence,
            ZonedDateTime created_at,
            ZonedDateTime expires_at,
            double score,
            List<String> sources,
            Map<String, Object> ranks) {}

    @ResultOf("mnemo.memory.forget")
    public record Forgotten(String id, boolean forgotten) {}

    /** An exported memory is a JSON Lines record as it is written, whatever fields it has. */
    @ResultOf("mnemo.memory.export")
    public record Exported(Map<String, Object> memory) {}

    @ResultOf("mnemo.memory.import")
    public record Imported(long imported, long existing, long skipped) {}

    @ResultOf({"mnemo.project.register", "mnemo.project.update", "mnemo.project.get", "mnemo.project.list"})
    public record Project(
            String id,
            List<String> aliases,
            String description,
            String status,
            List<String> ingest_roots,
            List<String> libraries,
            String owner) {}

    @ResultOf({"mnemo.project.state.set", "mnemo.project.state.list"})
    public record ProjectState(
            String project,
            String category,
            String key,
            String value,
            String source,
            double confidence,
            String status,
            ZonedDateTime created_at,
            ZonedDateTime updated_at) {}

    @ResultOf("mnemo.project.state.invalidate")
    public record StateInvalidated(String project, String category, String key, boolean invalidated) {}

    /** {@code chunks} are maps as the procedure yields them (chunk_uid, item_uid, source_file, heading_path, …). */
    @ResultOf("mnemo.context.build")
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

    @ResultOf("mnemo.context.last")
    public record LastPack(
            String pack_id,
            String project,
            String prompt,
            String formatted_context,
            long total_chars,
            long budget,
            long project_state_chars,
            long chunks_used,
            long memories_used,
            List<String> chunk_uids,
            List<String> memory_ids,
            long duration_ms,
            ZonedDateTime created_at) {}

    @ResultOf("mnemo.interaction.record")
    public record Recorded(
            String id, String project, ZonedDateTime created_at, String pack_id, List<String> reinforced) {}

    @ResultOf({"mnemo.interaction.list", "mnemo.interaction.get"})
    public record Interaction(
            String id,
            String prompt,
            String response,
            String project,
            String client,
            String session_id,
            ZonedDateTime created_at,
            String pack_id,
            List<String> memories_used,
            List<String> chunks_used) {}

    @ResultOf("mnemo.interaction.reinforce")
    public record Reinforced(String interaction_id, List<String> reinforced) {}

    @ResultOf("mnemo.interaction.extract")
    public record Proposed(String memory_type, String content, String rule, String project, String memory_id) {}

    @ResultOf({
        "mnemo.project.memory.add",
        "mnemo.project.memory.list",
        "mnemo.project.memory.update",
        "mnemo.project.memory.promote",
        "mnemo.project.memory.reject"
    })
    public record ContextMemory(
            String id,
            String memory_type,
            String content,
            String project,
            String status,
            double confidence,
            long reference_count,
            ZonedDateTime last_referenced_at,
            String source,
            ZonedDateTime created_at,
            ZonedDateTime updated_at) {}
}
