package org.mnemo.gateway.mcp;

import java.util.AbstractMap;
import java.util.Set;

/**
 * A tool result that is only text, for the legacy tools whose callers parse the text they always got (a bare JSON
 * list, or a sentence): no structured content, one text block.
 */
final class TextResult extends AbstractMap<String, Object> {
    private final String text;

    TextResult(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return Set.of();
    }
}
