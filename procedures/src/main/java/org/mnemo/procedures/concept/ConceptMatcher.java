package org.mnemo.procedures.concept;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Finds which of a document's concepts a chunk mentions: whole-word, case-insensitive, any white space between words. */
public final class ConceptMatcher {
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    public ConceptMatcher(List<String> conceptKeys) {
        for (String key : conceptKeys) {
            StringBuilder regex = new StringBuilder("(?<![\\p{L}\\p{N}])");
            String[] words = key.split(" ");
            for (int i = 0; i < words.length; i++) {
                regex.append(i == 0 ? "" : "\\s+").append(Pattern.quote(words[i]));
            }
            regex.append("(?![\\p{L}\\p{N}])");
            patterns.put(key, Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
    }

    /** The keys of the concepts the text mentions, in the order they were given. */
    public List<String> mentionedIn(String text) {
        List<String> found = new ArrayList<>();
        patterns.forEach((key, pattern) -> {
            if (pattern.matcher(text).find()) {
                found.add(key);
            }
        });
        return found;
    }
}
