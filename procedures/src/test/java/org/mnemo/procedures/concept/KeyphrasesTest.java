package org.mnemo.procedures.concept;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyphrasesTest {
    static final String TEXT = """
            Google is acquiring Kaggle, a platform that hosts data science and machine learning competitions. \
            Details about the transaction remain somewhat vague, but Google Cloud will host the Kaggle community. \
            Kaggle co-founder Anthony Goldbloom declined to deny that the acquisition is happening. \
            Google itself declined to comment on the Kaggle rumors. Kaggle has about half a million data scientists \
            on its platform. The machine learning competitions on Kaggle attract data scientists worldwide.""";

    @Test
    void ranksTheDocumentsSubjectsFirstAndSkipsStopWords() {
        List<String> names = Keyphrases.extract(TEXT, 10).stream()
                .map(Keyphrases.Keyphrase::name)
                .toList();
        assertThat(names).contains("Kaggle", "Google");
        assertThat(names.subList(0, 5)).anySatisfy(n -> assertThat(n).contains(" "));
        assertThat(names).anySatisfy(n -> assertThat(n.toLowerCase()).contains("data scien"));
        assertThat(names).noneMatch(n -> Stopwords.contains(n.toLowerCase()));
        assertThat(names).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void scoresAreAscending() {
        var phrases = Keyphrases.extract(TEXT, 15);
        for (int i = 1; i < phrases.size(); i++) {
            assertThat(phrases.get(i).score())
                    .isGreaterThanOrEqualTo(phrases.get(i - 1).score());
        }
    }

    @Test
    void nearDuplicatesAreMerged() {
        assertThat(Keyphrases.similar("data scientist", "data scientists")).isTrue();
        assertThat(Keyphrases.similar("kaggle", "google")).isFalse();
    }

    @Test
    void emptyOrPunctuationOnlyTextYieldsNothing() {
        assertThat(Keyphrases.extract("", 5)).isEmpty();
        assertThat(Keyphrases.extract("... !!! ???", 5)).isEmpty();
    }

    @Test
    void matcherFindsWholeWordsAcrossLineBreaksIgnoringCase() {
        var matcher = new ConceptMatcher(List.of("machine learning", "kaggle", "art"));
        assertThat(matcher.mentionedIn("Machine\nLearning at KAGGLE")).containsExactly("machine learning", "kaggle");
        assertThat(matcher.mentionedIn("a smart start")).isEmpty();
    }
}
