package org.mnemo.gateway.client;

import java.util.List;
import java.util.Map;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Every Cypher string the gateway sends lives here: {@code CALL mnemo.…} with parameters only, in managed
 * transactions. The gateway knows the procedures by this contract alone.
 */
public final class MnemoClient implements AutoCloseable {
    private final Driver driver;

    public MnemoClient(String uri, String user, String password) {
        this.driver = GraphDatabase.driver(uri, AuthTokens.basic(user, password));
    }

    public void verifyConnectivity() {
        driver.verifyConnectivity();
    }

    /** The uid of the library with this name, or null. Reads with the admin's all-libraries scope. */
    public String libraryUid(String name) {
        try (Session session = driver.session()) {
            List<Record> rows = session.executeRead(tx -> tx.run(
                    "CALL mnemo.library.get($name, ['*']) YIELD uid RETURN uid", Map.of("name", name)).list());
            return rows.isEmpty() ? null : rows.get(0).get("uid").asString();
        }
    }

    /** Returns the uid of the named library, creating it with the given type when it does not exist. */
    public String ensureLibrary(String name, String type) {
        try (Session session = driver.session()) {
            return session.executeWrite(tx -> tx.run(
                    "CALL mnemo.library.create($name, $type) YIELD uid RETURN uid",
                    Map.of("name", name, "type", type)).single().get("uid").asString());
        }
    }

    public Map<String, Object> ingest(String libraryUid, String text, Map<String, Object> item) {
        try (Session session = driver.session()) {
            // mnemo.ingest commits in transactions of its own; an auto-commit call is the right shape for it.
            return session.run("CALL mnemo.ingest($library, $text, $item)",
                    Map.of("library", libraryUid, "text", text, "item", item)).single().asMap();
        }
    }

    public List<Map<String, Object>> search(String query, List<String> libraries, int limit) {
        try (Session session = driver.session()) {
            return session.executeRead(tx -> tx.run("CALL mnemo.search($query, {libraries: $libraries, limit: $limit})",
                    Map.of("query", query, "libraries", libraries, "limit", limit)).list(Record::asMap));
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
