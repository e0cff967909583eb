package org.mnemo.procedures.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns user text into a Lucene query that cannot fail to parse: the text is cut into letter/digit words, which
 * are lower-cased (so AND, OR and NOT are plain words) and can hold no syntax characters; the words are OR-ed,
 * leaving ranking to BM25.
 */
public final class FulltextQuery {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int MAX_TERMS = 64;

    private FulltextQuery() {}

    public static List<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find() && terms.size() < MAX_TERMS) {
            terms.add(m.group().toLowerCase(Locale.ROOT));
        }
        return new ArrayList<>(terms);
    }

    /** The query for the terms, or null when there is nothing to search for. */
    public static String of(List<String> terms) {
        return terms.isEmpty() ? null : String.join(" ", terms);
    }
}
