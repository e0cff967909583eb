package org.mnemo.procedures.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FulltextQueryTest {
    @Test
    void keepsOnlyLowerCasedWordsSoNoLuceneSyntaxSurvives() {
        assertThat(FulltextQuery.of(FulltextQuery.terms("C++ (draft) AND/OR \"unclosed")))
                .isEqualTo("c draft and or unclosed");
        assertThat(FulltextQuery.of(FulltextQuery.terms("title:foo~ bar^2 [1 TO 5]")))
                .isEqualTo("title foo bar 2 1 to 5");
        assertThat(FulltextQuery.of(FulltextQuery.terms("Ünïcödé straße 東京"))).isEqualTo("ünïcödé straße 東京");
    }

    @Test
    void nothingToSearchGivesNoQuery() {
        assertThat(FulltextQuery.of(FulltextQuery.terms("*** ~~ \"\" ()"))).isNull();
    }

    @Test
    void repeatedTermsAreCountedOnce() {
        assertThat(FulltextQuery.terms("kafka Kafka KAFKA topics")).containsExactly("kafka", "topics");
    }
}
