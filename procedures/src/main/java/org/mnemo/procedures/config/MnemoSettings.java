package org.mnemo.procedures.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code mnemo.*} settings of the plugin. Neo4j 5 accepts plugin settings in neo4j.conf only in a few reserved
 * namespaces, so Mnemo does what APOC does: its settings live in {@code mnemo.conf} beside neo4j.conf, and each can
 * be overridden by an environment variable ({@code mnemo.embedding.provider} → {@code MNEMO_EMBEDDING_PROVIDER}).
 * docs/configuration.md lists the same keys; a test keeps the two equal.
 */
public final class MnemoSettings {

    /** One setting: its key, default and what it does. */
    public record Setting<T>(String key, Class<T> type, T defaultValue, String description) {
        public String environmentVariable() {
            return key.toUpperCase(Locale.ROOT).replace('.', '_');
        }
    }

    public static final Setting<String> embedding_provider = new Setting<>(
            "mnemo.embedding.provider",
            String.class,
            "local",
            "Embedding provider: 'local' (all-MiniLM-L6-v2 through ONNX, needs the mnemo-embedder-minilm jar) or 'openai' (any OpenAI-compatible /v1/embeddings endpoint).");

    public static final Setting<String> embedding_model = new Setting<>(
            "mnemo.embedding.model", String.class, "", "Model name sent to a remote provider; ignored by 'local'.");

    public static final Setting<String> embedding_base_url = new Setting<>(
            "mnemo.embedding.base_url",
            String.class,
            "",
            "Base URL of an OpenAI-compatible API, ending in /v1 (e.g. https://api.openai.com/v1).");

    public static final Setting<String> embedding_api_key = new Setting<>(
            "mnemo.embedding.api_key",
            String.class,
            "",
            "API key for the remote embedding provider (sent as a bearer token).");

    public static final Setting<Integer> embedding_dimension = new Setting<>(
            "mnemo.embedding.dimension",
            Integer.class,
            0,
            "Vector dimension of the remote model; 0 asks the provider once at first use.");

    public static final Setting<Integer> embedding_batch_size =
            new Setting<>("mnemo.embedding.batch_size", Integer.class, 32, "Texts per embedding request.");

    public static final Setting<Duration> embedding_timeout = new Setting<>(
            "mnemo.embedding.timeout",
            Duration.class,
            Duration.ofSeconds(30),
            "Timeout of one remote embedding request.");

    public static final Setting<Integer> embedding_max_retries = new Setting<>(
            "mnemo.embedding.max_retries",
            Integer.class,
            3,
            "Retries of a failed remote embedding request (5xx, timeouts), with exponential backoff.");

    public static final Setting<String> llm_base_url = new Setting<>(
            "mnemo.llm.base_url",
            String.class,
            "",
            "Base URL of an OpenAI-compatible chat API, ending in /v1; when set, concepts are extracted by the LLM.");

    public static final Setting<String> llm_api_key =
            new Setting<>("mnemo.llm.api_key", String.class, "", "API key for the LLM concept extractor.");

    public static final Setting<String> llm_model =
            new Setting<>("mnemo.llm.model", String.class, "gpt-4o-mini", "Chat model used for concept extraction.");

    public static final Setting<Duration> llm_timeout =
            new Setting<>("mnemo.llm.timeout", Duration.class, Duration.ofSeconds(60), "Timeout of one LLM request.");

    public static final Setting<String> rerank_provider = new Setting<>(
            "mnemo.rerank.provider",
            String.class,
            "none",
            "none, http (a /rerank API: Cohere, Jina, Voyage, Hugging Face TEI), chat (listwise by an "
                    + "OpenAI-compatible chat model) or onnx (a local cross-encoder: model.onnx and tokenizer.json in "
                    + "the directory mnemo.rerank.model names).");

    public static final Setting<String> rerank_base_url = new Setting<>(
            "mnemo.rerank.base_url",
            String.class,
            "",
            "http: the URL before /rerank (https://api.cohere.com/v2, https://api.jina.ai/v1, http://tei:8080); "
                    + "chat: an OpenAI-compatible base URL ending in /v1.");

    public static final Setting<String> rerank_api_key =
            new Setting<>("mnemo.rerank.api_key", String.class, "", "Bearer key of the reranking service.");

    public static final Setting<String> rerank_model = new Setting<>(
            "mnemo.rerank.model",
            String.class,
            "",
            "Reranking model (required for chat; sent as 'model' to a /rerank API when set; onnx: the directory "
                    + "holding model.onnx and tokenizer.json).");

    public static final Setting<Duration> rerank_timeout = new Setting<>(
            "mnemo.rerank.timeout",
            Duration.class,
            Duration.ofSeconds(10),
            "Timeout of one reranking request; on failure the fused order stands.");

    public static final Setting<Integer> rerank_max_retries = new Setting<>(
            "mnemo.rerank.max_retries",
            Integer.class,
            1,
            "Retries of a failed reranking request; after 3 failures in a row calls fail fast for 60 s.");

    public static final Setting<Integer> rerank_candidates = new Setting<>(
            "mnemo.rerank.candidates",
            Integer.class,
            30,
            "How many of the fused rows are reranked (the rest follow in fused order).");

    public static final Setting<Integer> concepts_per_item =
            new Setting<>("mnemo.concepts.per_item", Integer.class, 20, "Most concepts extracted from one item.");

    public static final Setting<Integer> ingest_batch_size = new Setting<>(
            "mnemo.ingest.batch_size",
            Integer.class,
            64,
            "Chunks written per transaction during ingest; bounds the memory one ingest holds.");

    public static final Setting<Integer> search_exact_threshold = new Setting<>(
            "mnemo.search.exact_threshold",
            Integer.class,
            1_000,
            "Scopes up to this many chunks are scored exactly by the vector leg (larger ones too when the HNSW "
                    + "index would have to be asked for more candidates than the scope holds).");

    public static final Setting<String> search_fulltext_analyzer = new Setting<>(
            "mnemo.search.fulltext_analyzer",
            String.class,
            "english",
            "Lucene analyzer of the full-text indexes of chunks, item titles and memories "
                    + "(any of db.index.fulltext.listAvailableAnalyzers(); english stems, chosen by measurement); a "
                    + "change applies with mnemo.schema.apply({rebuild: true}).");

    public static final Setting<Integer> search_graph_walk_budget = new Setting<>(
            "mnemo.search.graph_walk_budget",
            Integer.class,
            4_000,
            "Most concept mentions the graph leg walks per search (heaviest concept first); candidates found are "
                    + "then scored exactly. Bounds the leg's cost on large graphs.");

    public static final Setting<Integer> search_vector_overfetch = new Setting<>(
            "mnemo.search.vector_overfetch",
            Integer.class,
            2,
            "The vector leg asks the HNSW index for top_k times this many in-scope candidates (approximate search "
                    + "misses some) and re-scores them exactly.");

    public static final Setting<Integer> search_vector_cache_mb = new Setting<>(
            "mnemo.search.vector_cache_mb",
            Integer.class,
            256,
            "Heap the vector leg may use to keep chunk vectors it has read (exact scans of restricted scopes and the "
                    + "re-scoring of index candidates then skip the store); 0 turns it off. Community Edition only: "
                    + "a cluster member would not hear of another member's re-embedding.");

    public static final Setting<Integer> vector_hnsw_m = new Setting<>(
            "mnemo.vector.hnsw.m",
            Integer.class,
            0,
            "HNSW 'M' of the vector indexes created by mnemo.schema.apply; 0 keeps Neo4j's default.");

    public static final Setting<Integer> vector_hnsw_ef_construction = new Setting<>(
            "mnemo.vector.hnsw.ef_construction",
            Integer.class,
            0,
            "HNSW 'ef_construction' of the vector indexes created by mnemo.schema.apply; 0 keeps Neo4j's default.");

    public static final Setting<String> vector_quantization = new Setting<>(
            "mnemo.vector.quantization",
            String.class,
            "auto",
            "Quantized vectors in the HNSW graph of the vector indexes mnemo.schema.apply creates: 'true', "
                    + "'false', or 'auto' (off on Neo4j 2026 and later, where it costs recall; Neo4j's default "
                    + "before). A change applies to indexes created afterwards.");

    public static final Setting<Duration> memory_summary_ttl = new Setting<>(
            "mnemo.memory.summary_ttl",
            Duration.class,
            Duration.ofDays(30),
            "How long a memory of kind 'summary' lives when it is committed without expires_at.");

    public static final Setting<String> security_user_scope = new Setting<>(
            "mnemo.security.user_scope",
            String.class,
            "off",
            "'off': procedures trust their libraries/workspace arguments (a DBA's database); 'enforce': a Neo4j "
                    + "user not in mnemo.security.admin_users acts as the Mnemo principal it is mapped to, and only so.");

    public static final Setting<String> security_admin_users = new Setting<>(
            "mnemo.security.admin_users",
            String.class,
            "neo4j",
            "Neo4j users (comma-separated) the procedures trust when user_scope is 'enforce': "
                    + "the gateway's user and the DBAs.");

    public static final Setting<String> security_user_principals = new Setting<>(
            "mnemo.security.user_principals",
            String.class,
            "",
            "Neo4j user to Mnemo principal, as user=principal[,user=principal…]; an unmapped user "
                    + "reads and writes nothing.");

    public static final List<Setting<?>> ALL = List.of(
            embedding_provider,
            embedding_model,
            embedding_base_url,
            embedding_api_key,
            embedding_dimension,
            embedding_batch_size,
            embedding_timeout,
            embedding_max_retries,
            llm_base_url,
            llm_api_key,
            llm_model,
            llm_timeout,
            rerank_provider,
            rerank_base_url,
            rerank_api_key,
            rerank_model,
            rerank_timeout,
            rerank_max_retries,
            rerank_candidates,
            concepts_per_item,
            ingest_batch_size,
            search_exact_threshold,
            search_fulltext_analyzer,
            search_vector_overfetch,
            search_vector_cache_mb,
            search_graph_walk_budget,
            vector_hnsw_m,
            vector_hnsw_ef_construction,
            vector_quantization,
            memory_summary_ttl,
            security_user_scope,
            security_admin_users,
            security_user_principals);

    private MnemoSettings() {}
}
