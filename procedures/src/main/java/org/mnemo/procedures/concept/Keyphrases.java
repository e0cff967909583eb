package org.mnemo.procedures.concept;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YAKE! keyphrase extraction (Campos et al., "YAKE! Keyword extraction from single documents using multiple local
 * features", Information Sciences 509, 2020): an unsupervised, corpus-free statistical method. Each word gets a
 * score from five features — casing, position, normalised frequency, relatedness to context and spread over
 * sentences —; candidate phrases of up to three words combine their words' scores (stop words inside a phrase are
 * weighed by bigram probabilities, as in the reference implementation); near-duplicates are removed. Lower scores
 * are better.
 */
public final class Keyphrases {
    private static final Pattern TOKEN =
            Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’\\-]*[\\p{L}\\p{N}]|[\\p{L}\\p{N}]");
    private static final int MAX_WORDS = 3;
    private static final int WINDOW = 1;
    private static final double DEDUP_SIMILARITY = 0.8;

    /** A phrase as found (its most frequent spelling) and its YAKE score. */
    public record Keyphrase(String name, double score) {}

    private static final class Term {
        int tf;
        int tfUpper;
        int tfAcronym;
        final List<Integer> sentences = new ArrayList<>();
        final Map<String, Integer> left = new HashMap<>();
        final Map<String, Integer> right = new HashMap<>();
        boolean stopword;
        double score;
    }

    private static final class Candidate {
        final List<String> words;
        int tf;
        final Map<String, Integer> spellings = new HashMap<>();

        Candidate(List<String> words) {
            this.words = words;
        }
    }

    private Keyphrases() {}

    public static List<Keyphrase> extract(String text, int max) {
        List<List<String[]>> sentences = tokenize(text);
        Map<String, Term> terms = new HashMap<>();
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        for (int s = 0; s < sentences.size(); s++) {
            List<String[]> tokens = sentences.get(s);
            for (int i = 0; i < tokens.size(); i++) {
                String word = tokens.get(i)[0];
                String key = tokens.get(i)[1];
                Term term = terms.computeIfAbsent(key, k -> new Term());
                term.tf++;
                term.sentences.add(s);
                term.stopword = Stopwords.contains(key) || key.length() < 3 || isNumber(key);
                if (isAcronym(word)) {
                    term.tfAcronym++;
                } else if (i > 0 && Character.isUpperCase(word.charAt(0))) {
                    term.tfUpper++;
                }
                for (int w = Math.max(0, i - WINDOW); w < i; w++) {
                    String other = tokens.get(w)[1];
                    term.left.merge(other, 1, Integer::sum);
                    terms.get(other).right.merge(key, 1, Integer::sum);
                }
                addCandidates(tokens, i, candidates);
            }
        }
        scoreTerms(terms, sentences.size());
        return rank(candidates, terms, max);
    }

    private static List<List<String[]>> tokenize(String text) {
        List<List<String[]>> sentences = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            // Lines without punctuation (headings, list items) are sentences of their own.
            for (String line : text.substring(start, end).split("\\n")) {
                List<String[]> tokens = new ArrayList<>();
                Matcher m = TOKEN.matcher(line);
                while (m.find()) {
                    String word = m.group().replace('’', '\'');
                    tokens.add(new String[] {word, word.toLowerCase(Locale.ROOT)});
                }
                if (!tokens.isEmpty()) {
                    sentences.add(tokens);
                }
            }
        }
        return sentences;
    }

    private static void addCandidates(List<String[]> tokens, int end, Map<String, Candidate> candidates) {
        for (int n = 1; n <= MAX_WORDS && end - n + 1 >= 0; n++) {
            List<String[]> phrase = tokens.subList(end - n + 1, end + 1);
            String firstKey = phrase.get(0)[1];
            String lastKey = phrase.get(n - 1)[1];
            if (excludedAtEdge(firstKey) || excludedAtEdge(lastKey)) {
                continue;
            }
            List<String> keys = phrase.stream().map(t -> t[1]).toList();
            Candidate c = candidates.computeIfAbsent(String.join(" ", keys), k -> new Candidate(keys));
            c.tf++;
            StringBuilder spelling = new StringBuilder();
            for (String[] t : phrase) {
                spelling.append(spelling.isEmpty() ? "" : " ").append(t[0]);
            }
            c.spellings.merge(spelling.toString(), 1, Integer::sum);
        }
    }

    private static boolean excludedAtEdge(String key) {
        return Stopwords.contains(key) || key.length() < 3 || isNumber(key);
    }

    private static void scoreTerms(Map<String, Term> terms, int sentenceCount) {
        double[] tfs = terms.values().stream()
                .filter(t -> !t.stopword)
                .mapToDouble(t -> t.tf)
                .toArray();
        double mean = 0;
        for (double tf : tfs) {
            mean += tf;
        }
        mean = tfs.length == 0 ? 0 : mean / tfs.length;
        double variance = 0;
        for (double tf : tfs) {
            variance += (tf - mean) * (tf - mean);
        }
        double std = tfs.length == 0 ? 0 : Math.sqrt(variance / tfs.length);
        double maxTf = terms.values().stream().mapToInt(t -> t.tf).max().orElse(1);
        for (Term t : terms.values()) {
            double casing = Math.max(t.tfUpper, t.tfAcronym) / (1.0 + Math.log(t.tf));
            double position = Math.log(Math.log(3.0 + median(t.sentences)));
            double frequency = t.tf / (mean + std);
            double relatedness = 0.5 + dispersion(t.left) * (t.tf / maxTf) + 0.5 + dispersion(t.right) * (t.tf / maxTf);
            double spread = new HashSet<>(t.sentences).size() / (double) sentenceCount;
            t.score = (relatedness * position) / (casing + frequency / relatedness + spread / relatedness);
        }
    }

    // |distinct neighbours| / |co-occurrences|: a word seen next to many different words is less specific.
    private static double dispersion(Map<String, Integer> neighbours) {
        int total = neighbours.values().stream().mapToInt(Integer::intValue).sum();
        return total == 0 ? 0 : neighbours.size() / (double) total;
    }

    private static double median(List<Integer> values) {
        int n = values.size();
        // sentence indices are added in order, so the list is already sorted
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2.0;
    }

    private static List<Keyphrase> rank(Map<String, Candidate> candidates, Map<String, Term> terms, int max) {
        List<Keyphrase> scored = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            double product = 1;
            double sum = 0;
            for (int i = 0; i < c.words.size(); i++) {
                Term t = terms.get(c.words.get(i));
                if (!t.stopword) {
                    product *= t.score;
                    sum += t.score;
                } else {
                    // A stop word inside a phrase: the likelier its neighbours go with it, the less it hurts.
                    Term before = terms.get(c.words.get(i - 1));
                    String next = c.words.get(i + 1);
                    double pBefore = before.right.getOrDefault(c.words.get(i), 0) / (double) before.tf;
                    double pAfter = t.right.getOrDefault(next, 0) / (double) t.tf;
                    double probability = pBefore * pAfter;
                    product *= 1 + (1 - probability);
                    sum -= 1 - probability;
                }
            }
            // guard the reference formula against a non-positive denominator when stop words dominate
            double score = product / (c.tf * Math.max(1e-9, 1 + sum));
            scored.add(new Keyphrase(mostFrequent(c.spellings), score));
        }
        scored.sort(Comparator.comparingDouble(Keyphrase::score));
        List<Keyphrase> chosen = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Keyphrase k : scored) {
            if (chosen.size() >= max) {
                break;
            }
            String key = k.name().toLowerCase(Locale.ROOT);
            if (keys.contains(key)
                    || chosen.stream().anyMatch(c -> similar(c.name().toLowerCase(Locale.ROOT), key))) {
                continue;
            }
            keys.add(key);
            chosen.add(k);
        }
        return chosen;
    }

    private static String mostFrequent(Map<String, Integer> spellings) {
        return spellings.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow()
                .getKey();
    }

    /** Levenshtein similarity, 1 for equal strings. */
    static boolean similar(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        int distance = previous[b.length()];
        return 1.0 - distance / (double) Math.max(a.length(), b.length()) >= DEDUP_SIMILARITY;
    }

    private static boolean isAcronym(String word) {
        return word.length() > 1
                && word.chars().allMatch(ch -> Character.isUpperCase(ch) || Character.isDigit(ch))
                && word.chars().anyMatch(Character::isLetter);
    }

    private static boolean isNumber(String key) {
        return key.chars().noneMatch(Character::isLetter);
    }
}
