package org.mnemo.procedures.concept;

import java.util.Set;

/** English stop words (the common Snowball/NLTK list plus a few discourse words). */
final class Stopwords {
    static final Set<String> ENGLISH = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
            "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
            "by", "can", "could", "did", "do", "does", "doing", "don't", "down", "during", "each", "even", "ever",
            "few", "for", "from", "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her",
            "here", "hers", "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is",
            "isn't", "it", "it's", "its", "itself", "just", "let", "like", "made", "make", "many", "may", "me",
            "might", "more", "most", "much", "must", "my", "myself", "no", "nor", "not", "now", "of", "off", "on",
            "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "per", "same",
            "she", "should", "since", "so", "some", "still", "such", "than", "that", "the", "their", "theirs",
            "them", "themselves", "then", "there", "these", "they", "this", "those", "though", "through", "thus",
            "to", "too", "under", "until", "up", "upon", "us", "use", "used", "using", "very", "via", "was", "we",
            "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why",
            "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
            "let's", "i'm", "you're", "we're", "they're", "can't", "won't", "didn't", "doesn't", "wasn't", "etc",
            "e.g", "i.e", "vs", "yes", "okay", "ok", "really", "thing", "things", "something", "anything",
            "everything", "nothing", "way", "new", "two", "three", "first", "second", "another", "least", "every",
            "always", "never", "often", "sometimes", "almost", "already", "rather", "quite", "enough");

    private Stopwords() {}

    static boolean contains(String lowerCaseWord) {
        return ENGLISH.contains(lowerCaseWord);
    }
}
