package org.mnemo.procedures.ingest;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mnemo.procedures.library.LibraryType.ChunkStrategy;

/**
 * Cuts normalised text into chunks of about {@code size} characters. Text is split into sentences (long sentences
 * at word boundaries), sentences are packed greedily, and chunks prefer to end where a paragraph ends. With the
 * Markdown strategy a heading always starts a new chunk, and chunks inside a section carry the section's heading
 * in front of their text so that they stay findable by it. Consecutive chunks overlap by whole sentences of up to
 * {@code overlap} characters. Offsets are positions in the normalised text.
 */
public final class Chunker {
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}[ \\t]+\\S.*$");
    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");

    private final int size;
    private final int overlap;
    private final ChunkStrategy strategy;

    public Chunker(int size, int overlap, ChunkStrategy strategy) {
        if (size < 50) {
            throw new IllegalArgumentException("chunk_size must be at least 50 characters, got " + size);
        }
        if (overlap < 0 || overlap >= size / 2) {
            throw new IllegalArgumentException(
                    "chunk_overlap must be 0.." + (size / 2 - 1) + " for chunk_size " + size + ", got " + overlap);
        }
        this.size = size;
        this.overlap = overlap;
        this.strategy = strategy;
    }

    private record Unit(int start, int end, boolean paragraphStart) {
        int length() {
            return end - start;
        }
    }

    /** A run of text under one heading; {@code path} is the headings above it and its own, outermost first. */
    private record Section(int start, int end, String heading, String path) {}

    public List<ChunkDraft> chunk(String text) {
        List<ChunkDraft> chunks = new ArrayList<>();
        for (Section section : merged(sections(text))) {
            List<Unit> units = units(text, section.start(), section.end());
            pack(text, units, section, chunks);
        }
        return chunks;
    }

    /**
     * Consecutive sections that fit in one chunk together become one section, and a tiny one (a title, a heading
     * with a line under it) goes in front of the next: none stands alone as a chunk too small to mean much, and a
     * document shorter than a chunk is one chunk. A longer section is chunked on its own, its heading carried into
     * each of its chunks.
     */
    private List<Section> merged(List<Section> sections) {
        List<Section> out = new ArrayList<>();
        Section open = null;
        for (Section next : sections) {
            if (open != null && next.end() - open.start() <= size) {
                open = new Section(open.start(), next.end(), open.heading(), open.path());
            } else if (open != null && open.end() - open.start() < size / 4) {
                open = new Section(open.start(), next.end(), next.heading(), next.path());
            } else {
                if (open != null) {
                    out.add(open);
                }
                open = next;
            }
        }
        if (open != null) {
            out.add(open);
        }
        return out;
    }

    private List<Section> sections(String text) {
        List<Section> sections = new ArrayList<>();
        if (strategy != ChunkStrategy.MARKDOWN) {
            sections.add(new Section(0, text.length(), null, ""));
            return sections;
        }
        Matcher m = HEADING.matcher(text);
        int start = 0;
        String heading = null;
        // The open heading at each level (# = 0 … ###### = 5): a heading closes the deeper ones.
        String[] open = new String[6];
        String path = "";
        while (m.find()) {
            if (m.start() > start) {
                sections.add(new Section(start, m.start(), heading, path));
            }
            start = m.start();
            heading = m.group().strip();
            int level = (int) heading.chars().takeWhile(c -> c == '#').count();
            open[level - 1] = heading.substring(level).strip();
            Arrays.fill(open, level, open.length, null);
            path = String.join(
                    " > ", Arrays.stream(open).filter(Objects::nonNull).toList());
        }
        sections.add(new Section(start, text.length(), heading, path));
        return sections;
    }

    /** Sentences (or pieces of over-long sentences) with their offsets; blank gaps are skipped. */
    private List<Unit> units(String text, int from, int to) {
        List<Unit> units = new ArrayList<>();
        Matcher breaks = PARAGRAPH_BREAK.matcher(text).region(from, to);
        int paragraphStart = from;
        while (breaks.find()) {
            addParagraph(text, paragraphStart, breaks.start(), units);
            paragraphStart = breaks.end();
        }
        addParagraph(text, paragraphStart, to, units);
        return units;
    }

    private void addParagraph(String text, int start, int end, List<Unit> units) {
        // Sentences are the packing unit for every strategy, so that overlap can carry whole sentences.
        boolean first = true;
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text.substring(start, end));
        int s = sentences.first();
        for (int e = sentences.next(); e != BreakIterator.DONE; s = e, e = sentences.next()) {
            first = addTrimmed(text, start + s, start + e, first, units);
        }
    }

    private boolean addTrimmed(String text, int start, int end, boolean paragraphStart, List<Unit> units) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return paragraphStart;
        }
        // A sentence longer than a chunk is cut at word boundaries.
        while (end - start > size) {
            int cut = start + size;
            int space = text.lastIndexOf(' ', cut);
            int newline = text.lastIndexOf('\n', cut);
            int boundary = Math.max(space, newline);
            if (boundary <= start + size / 2) {
                boundary = cut;
            }
            units.add(new Unit(start, boundary, paragraphStart));
            paragraphStart = false;
            start = boundary;
            while (start < end && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
        }
        if (start < end) {
            units.add(new Unit(start, end, paragraphStart));
        }
        return false;
    }

    private void pack(String text, List<Unit> units, Section section, List<ChunkDraft> out) {
        int i = 0;
        while (i < units.size()) {
            int first = i;
            int length = 0;
            int j = i;
            while (j < units.size()) {
                Unit u = units.get(j);
                int added = u.end() - units.get(first).start();
                if (j > first && added > size) {
                    break;
                }
                // Prefer to end at a paragraph end once the chunk is half full and the next paragraph won't fit.
                if (strategy != ChunkStrategy.SENTENCE
                        && j > first
                        && u.paragraphStart()
                        && length >= size / 2
                        && paragraphLength(units, j) + length > size) {
                    break;
                }
                length = added;
                j++;
            }
            out.add(draft(text, units.get(first).start(), units.get(j - 1).end(), section));
            if (j >= units.size()) {
                break;
            }
            // Overlap: step back over whole sentences that fit in the overlap budget, but always move forward.
            int back = j;
            int carried = 0;
            while (back - 1 > first && carried + units.get(back - 1).length() <= overlap) {
                back--;
                carried += units.get(back).length();
            }
            i = back;
        }
    }

    private static int paragraphLength(List<Unit> units, int from) {
        int end = from + 1;
        while (end < units.size() && !units.get(end).paragraphStart()) {
            end++;
        }
        return units.get(end - 1).end() - units.get(from).start();
    }

    private static ChunkDraft draft(String text, int start, int end, Section section) {
        String body = text.substring(start, end);
        String heading = section.heading();
        boolean hasHeading = heading != null && body.contains(heading);
        String chunkText = heading == null || hasHeading ? body : heading + "\n\n" + body;
        return new ChunkDraft(chunkText, start, end, section.path());
    }
}
