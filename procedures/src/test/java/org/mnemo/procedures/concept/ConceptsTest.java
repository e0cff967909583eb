package org.mnemo.procedures.concept;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mnemo.procedures.config.MnemoConfig.LlmSettings;
import org.neo4j.logging.NullLog;

/** LLM concept extraction against a stand-in chat endpoint (MockWebServer): a real LLM cannot run here. */
class ConceptsTest {
    static final String TEXT = "Kafka brokers replicate partitions. Kafka consumers read partitions in groups.";
    MockWebServer server;
    Concepts concepts;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        concepts = new Concepts(
                new LlmSettings(server.url("/v1").toString(), "k", "m", Duration.ofSeconds(2)), NullLog.getInstance());
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private void answer(String content) {
        server.enqueue(new MockResponse()
                .setBody("{\"choices\":[{\"message\":{\"content\":"
                        + com.fasterxml.jackson.databind.node.TextNode.valueOf(content) + "}}]}"));
    }

    @Test
    void usesTheLlmsConceptsWhenTheyAreValid() {
        answer("{\"concepts\": [\"Apache Kafka\", \"partition replication\", \"apache kafka\", \"\", \"42\"]}");
        assertThat(concepts.extract(TEXT, 10)).containsExactly("Apache Kafka", "partition replication");
    }

    @Test
    void fallsBackToYakeOnInvalidEmptyOrFailedAnswers() {
        answer("Sure! Here are the concepts: Kafka");
        assertThat(concepts.extract(TEXT, 5))
                .isNotEmpty()
                .anySatisfy(n -> assertThat(n).containsIgnoringCase("kafka"));
        answer("{\"concepts\": []}");
        assertThat(concepts.extract(TEXT, 5)).isNotEmpty();
        server.enqueue(new MockResponse().setResponseCode(401));
        assertThat(concepts.extract(TEXT, 5)).isNotEmpty();
    }
}
