package org.mnemo.procedures.search;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;

/**
 * Registers each database's {@link VectorCache} listener as the database starts (as APOC registers its own
 * listeners): registered later, by the first search, it could miss a commit already under way and keep that
 * commit's old vector.
 */
public final class VectorCacheExtension extends ExtensionFactory<VectorCacheExtension.Dependencies> {

    /** What Neo4j hands the extension. */
    public interface Dependencies {
        GraphDatabaseAPI graphDatabaseAPI();

        DatabaseManagementService databaseManagementService();
    }

    public VectorCacheExtension() {
        super(ExtensionType.DATABASE, "mnemo-vector-cache");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        return new LifecycleAdapter() {
            @Override
            public void start() {
                String database = dependencies.graphDatabaseAPI().databaseName();
                if (!"system".equals(database)) {
                    VectorCache.listen(dependencies.databaseManagementService(), database);
                }
            }
        };
    }
}
