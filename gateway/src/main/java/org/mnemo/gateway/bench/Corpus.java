package org.mnemo.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A reproducible synthetic corpus: a Zipf-distributed vocabulary, sentences and Markdown sections, concepts
 * (two-word phrases) that recur across documents, spread over libraries of very different sizes.
 */
final class Corpus {
    /** One document of a library. */
    record Doc(int library, String title, String text) {}

    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ra", "te", "su", "no", "vi", "del", "gar", "pon",
            "tri", "bel", "qua", "zen", "mor", "fal", "rin", "sto", "cal"};

    private final Random random;
    private final List<String> vocabulary = new ArrayList<>();
    private final List<String> concepts = new ArrayList<>();
    private final double[] cumulative;

    Corpus(long seed, int vocabularySize, int conceptCount) {
        this.random = new Random(seed);
        while (vocabulary.size() < vocabularySize) {
            StringBuilder word = new StringBuilder();
            int syllables = 2 + random.nextInt(3);
            for (int i = 0; i < syllables; i++) {
                word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            if (!vocabulary.contains(word.toString())) {
                vocabulary.add(word.toString());
            }
        }
        cumulative = new double[vocabularySize];
        double sum = 0;
        for (int i = 0; i < vocabularySize; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        for (int i = 0; i < vocabularySize; i++) {
            cumulative[i] /= sum;
        }
        for (int i = 0; i < conceptCount; i++) {
            concepts.add(word() + " " + word());
        }
    }

    /** A word drawn with Zipf frequencies (rank r has weight 1/r). */
    String word() {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return vocabulary.get(lo);
    }

    String concept() {
        // Concepts recur: a few are frequent, most are rare.
        int index = (int) Math.min(concepts.size() - 1, Math.abs(random.nextGaussian()) * concepts.size() / 3);
        return concepts.get(index);
    }

    String sentence() {
        StringBuilder sentence = new StringBuilder();
        int words = 8 + random.nextInt(10);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sentence.append(' ');
            }
            sentence.append(random.nextInt(6) == 0 ? concept() : word());
        }
        sentence.setCharAt(0, Character.toUpperCase(sentence.charAt(0)));
        return sentence.append('.').toString();
    }

    /** A Markdown document of about {@code chunks} chunks (one section ≈ one chunk). */
    Doc doc(int library, int number, int chunks) {
        StringBuilder text = new StringBuilder("# ").append(concept()).append('\n');
        for (int section = 0; section < chunks; section++) {
            text.append("\n## ").append(concept()).append("\n\n");
            int sentences = 3 + random.nextInt(2);
            for (int i = 0; i < sentences; i++) {
                text.append(sentence()).append(' ');
            }
            text.append('\n');
        }
        return new Doc(library, "doc-" + library + "-" + number, text.toString());
    }

    /** A query: a recurring concept and one or two mid-frequency words. */
    String query() {
        StringBuilder query = new StringBuilder(concept());
        int words = 1 + random.nextInt(2);
        for (int i = 0; i < words; i++) {
            query.append(' ').append(vocabulary.get(20 + random.nextInt(Math.max(1, vocabulary.size() / 4))));
        }
        return query.toString();
    }

    /** Library sizes in chunks: a few large libraries and many small ones (Zipf), summing to {@code total}. */
    static int[] librarySizes(int libraries, int total) {
        double sum = 0;
        for (int i = 1; i <= libraries; i++) {
            sum += 1.0 / i;
        }
        int[] sizes = new int[libraries];
        int assigned = 0;
        for (int i = 0; i < libraries; i++) {
            sizes[i] = Math.max(1, (int) Math.round(total / sum / (i + 1)));
            assigned += sizes[i];
        }
        sizes[0] += Math.max(0, total - assigned);
        return sizes;
    }
}
