package org.mnemo.procedures.context;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based proposals of memories from an interaction: explicit markers a person or agent writes on a line of
 * its own ({@code ## Decision: …}, {@code Preference: …}, …) and a few plain phrasings of a preference ("I prefer
 * …", "always use …"). Each rule names the memory type it proposes. Nothing here is stored: the caller drops
 * duplicates and persists, always as candidates for review.
 */
public final class Extraction {
    /** One proposal: the memory type, its content, and the rule that found it. */
    public record Candidate(String memory_type, String content, String rule) {}

    private record Rule(String name, String type, Pattern pattern) {}

    private static final int MIN_CHARS = Reinforcement.MIN_CHARS;
    private static final int MAX_CHARS = 2_000;
    private static final String MARK = "(?im)^[ \\t]*(?:#{1,6}[ \\t]*|[-*][ \\t]+)?(?:\\*\\*)?";
    private static final List<Rule> RULES = List.of(
            marker("decision", "adaptation", "decision|decided"),
            marker("lesson", "adaptation", "lesson|lesson learned|learned|adaptation"),
            marker("preference", "preference", "preference|prefers?"),
            marker("constraint", "project", "constraint|requirement|project"),
            marker("fact", "knowledge", "fact|knowledge|note|remember"),
            marker("identity", "identity", "identity|about me"),
            new Rule(
                    "stated preference",
                    "preference",
                    Pattern.compile(
                            "(?im)^[ \\t]*((?:I|we) (?:always |generally |usually )?(?:prefer|like to|want to always"
                                    + "|never want)\\b.*)$")),
            new Rule(
                    "standing instruction",
                    "preference",
                    Pattern.compile("(?im)^[ \\t]*((?:always|never) (?:use|run|write|call|prefer|keep|put)\\b.*)$")));

    private Extraction() {}

    private static Rule marker(String name, String type, String words) {
        return new Rule(
                name, type, Pattern.compile(MARK + "(?:" + words + ")(?:\\*\\*)?[ \\t]*:(?:\\*\\*)?[ \\t]*(.+)$"));
    }

    /** The candidates the rules find in {@code texts} (prompt, response), each content once, in order. */
    public static List<Candidate> candidates(String... texts) {
        List<Candidate> found = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String text : texts) {
            if (text == null) {
                continue;
            }
            for (Rule rule : RULES) {
                Matcher m = rule.pattern().matcher(text);
                while (m.find()) {
                    String content =
                            m.group(1).strip().replaceAll("\\*\\*$", "").strip();
                    if (content.length() >= MIN_CHARS
                            && content.length() <= MAX_CHARS
                            && seen.add(normalized(content))) {
                        found.add(new Candidate(rule.type(), content, rule.name()));
                    }
                }
            }
        }
        return found;
    }

    /** What two memories must share to count as duplicates: their words, ignoring case and punctuation. */
    public static String normalized(String content) {
        return String.join(" ", content.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .strip();
    }
}
