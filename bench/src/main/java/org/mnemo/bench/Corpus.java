package org.mnemo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A reproducible synthetic corpus: a Zipf-distributed vocabulary, sentences and Markdown sections, concepts
 * (two-word phrases) that recur across documents, spread over libraries of very different sizes. Each section
 * also has a 384-d vector with cluster structure (one cluster per group of concepts) for loads that skip the
 * embedder; a query's vector lies near the cluster of the concept it names.
 */
final class Corpus {
    static final int DIMENSION = 384;

    /** One Markdown section (≈ one chunk) about one concept. */
    record Section(String text, int concept) {}

    /** One document of a library. */
    record Doc(int library, String title, String heading, List<Section> sections) {
        String text() {
            StringBuilder text = new StringBuilder("# ").append(heading).append('\n');
            sections.forEach(s -> text.append('\n').append(s.text()).append('\n'));
            return text.toString();
        }
    }

    /** A query's text and the concept it names. */
    record Query(String text, int concept) {}

    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ra", "te", "su", "no", "vi", "del", "gar", "pon", "tri", "bel", "qua", "zen", "mor", "fal",
        "rin", "sto", "cal"
    };

    private final Random random;
    private final Random vectorNoise;
    private final List<String> vocabulary = new ArrayList<>();
    private final List<String> concepts = new ArrayList<>();
    private final double[] cumulative;
    private final float[][] centres;

    /**
     * The corpus of {@code seed}; {@code stream} picks an independent sequence of documents and queries over the
     * same vocabulary, concepts and clusters (queries come from their own stream, so a query is never a copy of a
     * chunk and need not replay the documents).
     */
    Corpus(long seed, int stream, int vocabularySize, int conceptCount, int clusters) {
        Random vocabularyRandom = new Random(seed);
        this.random = new Random(seed * 31 + stream * 2L + 1);
        this.vectorNoise = new Random(seed * 31 + stream * 2L + 2);
        Random centreRandom = new Random(seed - 1);
        centres = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            float[] centre = new float[DIMENSION];
            for (int i = 0; i < DIMENSION; i++) {
                centre[i] = (float) centreRandom.nextGaussian();
            }
            centres[c] = normalise(centre);
        }
        while (vocabulary.size() < vocabularySize) {
            StringBuilder word = new StringBuilder();
            int syllables = 2 + vocabularyRandom.nextInt(3);
            for (int i = 0; i < syllables; i++) {
                word.append(SYLLABLES[vocabularyRandom.nextInt(SYLLABLES.length)]);
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
            concepts.add(vocabulary.get(vocabularyRandom.nextInt(vocabularySize)) + " "
                    + vocabulary.get(vocabularyRandom.nextInt(vocabularySize)));
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

    int conceptIndex() {
        // Concepts recur: a few are frequent, most are rare.
        return (int) Math.min(concepts.size() - 1, Math.abs(random.nextGaussian()) * concepts.size() / 3);
    }

    String concept() {
        return concepts.get(conceptIndex());
    }

    /**
     * A unit vector near the centre of the concept's cluster: centre + Gaussian noise of about the same length, so
     * members of a cluster have cosine ≈ 0.5 with each other and the nearest neighbours are decided by the noise.
     */
    List<Double> vector(int concept) {
        float[] centre = centres[concept % centres.length];
        float[] v = new float[DIMENSION];
        double sigma = 1 / Math.sqrt(DIMENSION);
        for (int i = 0; i < DIMENSION; i++) {
            v[i] = centre[i] + (float) (vectorNoise.nextGaussian() * sigma);
        }
        normalise(v);
        List<Double> list = new ArrayList<>(DIMENSION);
        for (float x : v) {
            list.add((double) x);
        }
        return list;
    }

    private static float[] normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        double norm = Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) norm;
        }
        return v;
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

    /** A Markdown document of {@code chunks} sections (one section ≈ one chunk). */
    Doc doc(int library, int number, int chunks) {
        String heading = concept();
        List<Section> sections = new ArrayList<>(chunks);
        for (int section = 0; section < chunks; section++) {
            int concept = conceptIndex();
            StringBuilder text =
                    new StringBuilder("## ").append(concepts.get(concept)).append("\n\n");
            int sentences = 3 + random.nextInt(2);
            for (int i = 0; i < sentences; i++) {
                text.append(sentence()).append(' ');
            }
            sections.add(new Section(text.toString().strip(), concept));
        }
        return new Doc(library, "doc-" + library + "-" + number, heading, sections);
    }

    /** A query: a recurring concept and one or two mid-frequency words. */
    Query query() {
        int concept = conceptIndex();
        StringBuilder query = new StringBuilder(concepts.get(concept));
        int words = 1 + random.nextInt(2);
        for (int i = 0; i < words; i++) {
            query.append(' ').append(vocabulary.get(20 + random.nextInt(Math.max(1, vocabulary.size() / 4))));
        }
        return new Query(query.toString(), concept);
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
