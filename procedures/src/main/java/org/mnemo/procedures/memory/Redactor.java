package org.mnemo.procedures.memory;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is stored. Each pattern replaces what it finds with {@code [REDACTED:<kind>]};
 * docs/memory.md lists the patterns. Errs on the side of redacting: a false positive costs a word, a miss leaks a
 * credential into a shared namespace.
 */
public final class Redactor {
    /** One kind of secret and how to find it; group 1, when present, is kept (e.g. "password=" before the value). */
    record Rule(String kind, Pattern pattern) {}

    static final List<Rule> RULES = List.of(
            new Rule(
                    "private_key",
                    Pattern.compile(
                            "-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]{0,40}PRIVATE KEY-----|$)")),
            // A scheme starts where the previous character cannot continue one, so each run of letters is tried once.
            new Rule(
                    "url_password",
                    Pattern.compile("(?i)((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*+://[^\\s:/@]++:)[^\\s@/]++(?=@)")),
            new Rule("bearer_token", Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/=-]{16,}")),
            new Rule("jwt", Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}+\\.[A-Za-z0-9_-]{8,}+\\.[A-Za-z0-9_-]{8,}")),
            new Rule("aws_access_key", Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b")),
            new Rule(
                    "basic_auth",
                    Pattern.compile("(?i)(\\bauthorization\\s*[:=]\\s*[\"']?basic\\s+)[A-Za-z0-9+/=._-]{6,}")),
            new Rule(
                    "api_key",
                    Pattern.compile("\\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"
                            + "|ghp_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"
                            + "|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}|mnemo_[A-Za-z0-9_-]{30,}"
                            + "|glpat-[A-Za-z0-9_-]{20,})")),
            // "password": "…" in JSON: the quote between the name and the colon hides it from the rule below.
            new Rule(
                    "assignment",
                    Pattern.compile(
                            "(?i)(\"[^\"\\s]{0,40}(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)"
                                    + "[^\"\\s]{0,40}\"\\s*:\\s*\")[^\"]+")),
            // password=, DB_PASSWORD=, AWS_SECRET_ACCESS_KEY: …, client_secret=, token: …
            // Bounded (16 parts of ≤ 100 characters) and possessive where giving back cannot help: unbounded, a 50 KB
            // "a_a_a_…" overflowed the stack and "a.a.a.…" took seconds (each of 25,000 word starts scanned the rest).
            new Rule(
                    "assignment",
                    Pattern.compile(
                            "(?i)(\\b(?:[A-Za-z0-9.-]{1,100}+_){0,16}(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|"
                                    + "secret[_-]?key|token|client[_-]?secret|auth|private[_-]?key|credentials?)"
                                    + "(?:_[A-Za-z0-9.-]{1,100}+){0,16}+\\b\\s*+[:=]\\s*+[\"']?)[^\\s\"',;]{4,}")));

    private Redactor() {}

    /** Invisible format characters (zero-width spaces, joiners, …) that could split a secret past the patterns. */
    private static final Pattern FORMAT = Pattern.compile("\\p{Cf}");
    /** The delimiter org memories are returned with; stored text may not imitate it. */
    private static final Pattern DELIMITER = Pattern.compile("(?i)\\[(\\s*)memory\\b");

    /**
     * Removes secrets. The patterns also run over the text without invisible format characters; when that finds a
     * secret, the cleaned text is what is kept (a zero-width space must not smuggle a token past redaction).
     */
    public static String redact(String text) {
        String visible = FORMAT.matcher(text).replaceAll("");
        if (!visible.equals(text)) {
            String cleaned = apply(visible);
            if (!cleaned.equals(visible)) {
                return cleaned;
            }
        }
        return apply(text);
    }

    /**
     * Makes stored text unable to pass for an org memory's delimiter ({@code [MEMORY id=… scope=ORG …]:}), which
     * agents are told to treat as shared information: {@code [MEMORY} becomes {@code [quoted MEMORY}.
     */
    public static String neutralize(String text) {
        return DELIMITER.matcher(text).replaceAll("[quoted $1MEMORY");
    }

    /** What is stored of any text of a memory (content, tags, source): redacted, then neutralized. */
    public static String clean(String text) {
        return neutralize(redact(text));
    }

    private static String apply(String text) {
        String result = text;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(result);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String kept = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : "";
                m.appendReplacement(out, Matcher.quoteReplacement(kept + "[REDACTED:" + rule.kind() + "]"));
            }
            m.appendTail(out);
            result = out.toString();
        }
        return result;
    }
}
