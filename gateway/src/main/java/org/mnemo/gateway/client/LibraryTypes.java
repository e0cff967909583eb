package org.mnemo.gateway.client;

import java.util.List;

/**
 * The library types the plugin knows ({@code CALL mnemo.library.types()}; ProcedureSignatureTest keeps the two
 * equal), for the parameter checks and schemas of REST and MCP alike.
 */
public final class LibraryTypes {
    public static final List<String> NAMES =
            List.of("fiction", "nonfiction", "technical", "music", "film", "art", "journal", "business", "finance");

    private LibraryTypes() {}
}
