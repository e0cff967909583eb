package org.mnemo.procedures.context;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a response used a memory: the memory's tokens must be at least {@link #THRESHOLD} contained in the
 * response's. Both sides are normalised the same way: lower case, punctuation stripped, tokens shorter than three
 * characters and stop words dropped, and a light stemming (plural and verb endings) so that "decided" meets
 * "decides". A memory shorter than {@link #MIN_CHARS} characters never matches: too little to tell use from chance.
 */
public final class Reinforcement {
    public static final double THRESHOLD = 0.7;
    public static final int MIN_CHARS = 12;
    public static final double STEP = 0.02;

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Set<String> STOP_WORDS = Set.of(
            "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our",
            "out", "has", "his", "how", "its", "may", "who", "did", "yes", "she", "him", "this", "that", "with", "have",
            "from", "they", "will", "would", "there", "their", "what", "about", "which", "when", "were", "been", "than",
            "then", "them", "these", "those", "into", "some", "such", "also", "just", "only", "very", "should", "could",
            "your", "each", "other", "over", "because", "while", "where", "does", "being", "here", "more", "most");

    private Reinforcement() {}

    /** Whether {@code response} used {@code memory} by the rule above. */
    public static boolean used(String memory, String response) {
        if (memory == null || response == null || memory.strip().length() < MIN_CHARS) {
            return false;
        }
        Set<String> wanted = tokens(memory);
        if (wanted.isEmpty()) {
            return false;
        }
        Set<String> present = tokens(response);
        long contained = wanted.stream().filter(present::contains).count();
        return contained >= THRESHOLD * wanted.size();
    }

    /** The normalised, stemmed tokens of a text, each once. */
    static Set<String> tokens(String text) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String word : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (word.length() >= 3 && !STOP_WORDS.contains(word)) {
                tokens.add(stem(word));
            }
        }
        return tokens;
    }

    /**
     * Strips one common English ending, keeping a stem of at least three characters, then a final "e" of a longer
     * stem, so that decide, decides, decided and deciding meet.
     */
    static String stem(String word) {
        String stem = word;
        for (String suffix : new String[] {"ing", "ies", "ied", "es", "ed", "ly", "s"}) {
            if (word.endsWith(suffix) && word.length() - suffix.length() >= 3) {
                stem = word.substring(0, word.length() - suffix.length()) + (suffix.startsWith("i") ? "y" : "");
                break;
            }
        }
        return stem.length() > 3 && stem.endsWith("e") ? stem.substring(0, stem.length() - 1) : stem;
    }
}
