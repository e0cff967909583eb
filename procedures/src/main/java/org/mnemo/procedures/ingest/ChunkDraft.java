package org.mnemo.procedures.ingest;

/**
 * A chunk before it is written: its text, its span in the normalised document and, for pre-embedded input, its
 * vector.
 */
public record ChunkDraft(String text, long charStart, long charEnd, float[] embedding) {
    public ChunkDraft(String text, long charStart, long charEnd) {
        this(text, charStart, charEnd, null);
    }
}
