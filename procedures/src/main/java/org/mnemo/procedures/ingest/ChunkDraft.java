package org.mnemo.procedures.ingest;

/**
 * A chunk before it is written: its text, its span in the normalised document, the path of Markdown headings it
 * sits under ("" outside any) and, for pre-embedded input, its vector.
 */
public record ChunkDraft(String text, long charStart, long charEnd, String headingPath, float[] embedding) {
    public ChunkDraft(String text, long charStart, long charEnd, String headingPath) {
        this(text, charStart, charEnd, headingPath, null);
    }
}
