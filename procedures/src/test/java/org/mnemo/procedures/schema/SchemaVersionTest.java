package org.mnemo.procedures.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The major version that mnemo.vector.quantization=auto decides by: 5.x LTS keeps Neo4j's default, 2025+ not. */
class SchemaVersionTest {
    @Test
    void readsBothVersionSchemes() {
        assertThat(Schema.majorVersion("5.26.18")).isEqualTo(5);
        assertThat(Schema.majorVersion("2026.08.1")).isEqualTo(2026);
        assertThat(Schema.majorVersion("garbage")).isZero();
        assertThat(Schema.majorVersion(null)).isZero();
    }
}
