package org.mnemo.procedures.library;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The nine kinds of library and how each one is chunked and prompted. Chunk sizes are in characters and stay
 * near the ~90 words that all-MiniLM-L6-v2 reads of a text (it embeds only the first 128 word pieces).
 */
public enum LibraryType {
    FICTION(
            700,
            120,
            ChunkStrategy.PARAGRAPH,
            "Represent this passage of a story for retrieving scenes, characters and events",
            "Judge whether the passage depicts the scene, character or event asked about",
            "Describe the illustration: who and what it shows, and the mood",
            "This passage comes from a work of fiction; keep characters and plot points distinct"),
    NONFICTION(
            600,
            100,
            ChunkStrategy.PARAGRAPH,
            "Represent this passage of non-fiction for retrieving facts and arguments",
            "Judge whether the passage states the fact or argument asked about",
            "Describe the figure or photograph and any text or data it contains",
            "This passage comes from a non-fiction book or article; prefer stated facts"),
    TECHNICAL(
            500,
            80,
            ChunkStrategy.MARKDOWN,
            "Represent this technical documentation for retrieving APIs, procedures and configuration",
            "Judge whether the passage answers the technical question precisely",
            "Describe the diagram or screenshot, including labels, code and UI elements",
            "This passage comes from technical documentation; keep names, versions and code exact"),
    MUSIC(
            500,
            80,
            ChunkStrategy.PARAGRAPH,
            "Represent this text about music for retrieving works, artists and theory",
            "Judge whether the passage is about the work, artist or concept asked about",
            "Describe the score, cover or photograph: instruments, notation, people",
            "This passage concerns music: lyrics, scores, reviews or theory"),
    FILM(
            600,
            100,
            ChunkStrategy.PARAGRAPH,
            "Represent this text about film for retrieving titles, scenes and people",
            "Judge whether the passage is about the film, scene or person asked about",
            "Describe the still or poster: scene, people, composition",
            "This passage concerns film: scripts, reviews or production notes"),
    ART(
            500,
            80,
            ChunkStrategy.PARAGRAPH,
            "Represent this text about art for retrieving works, artists and movements",
            "Judge whether the passage is about the work, artist or movement asked about",
            "Describe the artwork: medium, subject, composition, colour and style",
            "This passage concerns visual art: catalogues, criticism or history"),
    JOURNAL(
            400,
            60,
            ChunkStrategy.SENTENCE,
            "Represent this journal entry for retrieving personal events, dates and feelings",
            "Judge whether the entry records the event or thought asked about",
            "Describe the photograph: people, place and occasion",
            "This passage is a personal journal entry; dates and people matter"),
    BUSINESS(
            600,
            100,
            ChunkStrategy.MARKDOWN,
            "Represent this business document for retrieving decisions, plans and figures",
            "Judge whether the passage contains the decision, plan or figure asked about",
            "Describe the chart, slide or table and the figures it shows",
            "This passage comes from a business document; keep owners, dates and figures exact"),
    FINANCE(
            500,
            80,
            ChunkStrategy.MARKDOWN,
            "Represent this financial text for retrieving figures, periods and instruments",
            "Judge whether the passage gives the figure, period or instrument asked about",
            "Describe the chart or table: axes, periods, amounts and currencies",
            "This passage comes from a financial document; numbers, currencies and periods must stay exact");

    /** How text is cut into chunks before it is packed up to the chunk size. */
    public enum ChunkStrategy {
        /** Paragraphs, then sentences when a paragraph is too long. */
        PARAGRAPH,
        /** Sentences packed without regard to paragraphs; suits short entries. */
        SENTENCE,
        /** Markdown sections first (a heading starts a new chunk and is repeated as context), then paragraphs. */
        MARKDOWN
    }

    private final int chunkSize;
    private final int chunkOverlap;
    private final ChunkStrategy strategy;
    private final String embeddingInstruction;
    private final String rerankerInstruction;
    private final String visionPrompt;
    private final String contextPrompt;

    LibraryType(
            int chunkSize,
            int chunkOverlap,
            ChunkStrategy strategy,
            String embeddingInstruction,
            String rerankerInstruction,
            String visionPrompt,
            String contextPrompt) {
        this.chunkSize = chunkSize;
        this.chunkOverlap = chunkOverlap;
        this.strategy = strategy;
        this.embeddingInstruction = embeddingInstruction;
        this.rerankerInstruction = rerankerInstruction;
        this.visionPrompt = visionPrompt;
        this.contextPrompt = contextPrompt;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What a reranker is told about relevance in libraries of this type. */
    public String rerankerInstruction() {
        return rerankerInstruction;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public int chunkOverlap() {
        return chunkOverlap;
    }

    public ChunkStrategy strategy() {
        return strategy;
    }

    /** Parses a type name, naming the argument and the valid values when it is not one. */
    public static LibraryType parse(String value, String argument) {
        if (value != null) {
            for (LibraryType type : values()) {
                if (type.key().equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException(argument + " must be one of " + keys() + ", got '" + value + "'");
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(LibraryType::key).toList();
    }

    /** The settings as stored on the {@code LibraryType} node and returned by mnemo.library.types(). */
    public Map<String, Object> properties() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", key());
        map.put("chunk_size", (long) chunkSize);
        map.put("chunk_overlap", (long) chunkOverlap);
        map.put("chunk_strategy", strategy.name().toLowerCase(Locale.ROOT));
        map.put("embedding_instruction", embeddingInstruction);
        map.put("reranker_instruction", rerankerInstruction);
        map.put("vision_prompt", visionPrompt);
        map.put("context_prompt", contextPrompt);
        return map;
    }
}
