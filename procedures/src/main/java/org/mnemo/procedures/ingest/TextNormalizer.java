package org.mnemo.procedures.ingest;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** Brings text into one canonical form before chunking, so that offsets and content hashes are stable. */
public final class TextNormalizer {
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]");
    // Tried only where a run of blanks starts: from every blank, a long run without a newline was quadratic.
    private static final Pattern TRAILING_SPACE = Pattern.compile("(?<![ \\t])[ \\t]++\\n");
    private static final Pattern BLANK_RUNS = Pattern.compile("\\n{3,}");

    private TextNormalizer() {}

    public static String normalize(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFC);
        s = s.replace("\r\n", "\n").replace('\r', '\n').replace('\u00A0', ' ');
        s = CONTROL.matcher(s).replaceAll("");
        s = TRAILING_SPACE.matcher(s).replaceAll("\n");
        s = BLANK_RUNS.matcher(s).replaceAll("\n\n");
        return s.strip();
    }
}
