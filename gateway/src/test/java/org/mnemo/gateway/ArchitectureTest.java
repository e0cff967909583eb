package org.mnemo.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import org.mnemo.gateway.cli.planted.CommandInTheGateway;
import org.mnemo.gateway.client.planted.ClientCallingAuth;
import org.mnemo.gateway.health.planted.GatewayStartingNeo4j;
import org.mnemo.gateway.mcp.planted.McpCallingRest;
import org.mnemo.gateway.rest.planted.RestCallingMcp;
import org.mnemo.gateway.search.planted.ServiceCallingRest;

/**
 * The gateway's layers point one way: protocol adapters (rest, mcp) on top; services (search, memory, context, ingest,
 * health), auth and the shared web layer (JSON, errors, routes, metrics, limits) below; the Neo4j client at the bottom.
 * The entry points sit outside the module, on top of it: ./mnemo in the launcher module, the benchmarks in bench, and
 * the embedded Neo4j they start in embedded.
 */
@AnalyzeClasses(packages = "org.mnemo.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] ADAPTERS = {"org.mnemo.gateway.rest..", "org.mnemo.gateway.mcp.."};

    /** Nothing below the adapters reaches up to them. */
    @ArchTest
    static final ArchRule servicesDoNotDependOnAdapters = noClasses()
            .that()
            .resideInAnyPackage(
                    "org.mnemo.gateway.search..",
                    "org.mnemo.gateway.memory..",
                    "org.mnemo.gateway.context..",
                    "org.mnemo.gateway.ingest..",
                    "org.mnemo.gateway.health..",
                    "org.mnemo.gateway.auth..",
                    "org.mnemo.gateway.web..",
                    "org.mnemo.gateway.client..",
                    "org.mnemo.gateway.config..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(ADAPTERS);

    /** REST and MCP are siblings: what they share is a service or the web layer, never each other. */
    @ArchTest
    static final ArchRule mcpDoesNotUseRest = noClasses()
            .that()
            .resideInAPackage("org.mnemo.gateway.mcp..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.mnemo.gateway.rest..");

    @ArchTest
    static final ArchRule restDoesNotUseMcp = noClasses()
            .that()
            .resideInAPackage("org.mnemo.gateway.rest..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.mnemo.gateway.mcp..");

    /** The Neo4j client knows no other part of the gateway. */
    @ArchTest
    static final ArchRule clientIsTheBottom = noClasses()
            .that()
            .resideInAPackage("org.mnemo.gateway.client..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.mnemo.gateway.rest..",
                    "org.mnemo.gateway.mcp..",
                    "org.mnemo.gateway.web..",
                    "org.mnemo.gateway.auth..",
                    "org.mnemo.gateway.search..",
                    "org.mnemo.gateway.memory..",
                    "org.mnemo.gateway.context..",
                    "org.mnemo.gateway.ingest..");

    /**
     * The gateway runs beside a Neo4j server: none of its code reaches the launcher, the benchmarks, the embedded
     * Neo4j or their libraries (the Maven enforcer keeps them off its class path, picocli aside: Tika brings it).
     */
    @ArchTest
    static final ArchRule gatewayRunsBesideNeo4j = noClasses()
            .that()
            .resideInAPackage("org.mnemo.gateway..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.mnemo.launcher..",
                    "org.mnemo.bench..",
                    "org.mnemo.embedded..",
                    "org.neo4j.dbms..",
                    "org.neo4j.graphdb..",
                    "org.neo4j.kernel..",
                    "org.neo4j.configuration..",
                    "picocli..",
                    "org.knowm.xchart..",
                    "me.tongfei.progressbar..");

    /** The command line, the benchmarks and the embedded server moved out; their packages stay out. */
    @ArchTest
    static final ArchRule noEntryPointsInTheGateway = noClasses()
            .should()
            .resideInAnyPackage("org.mnemo.gateway.cli..", "org.mnemo.gateway.bench..", "org.mnemo.gateway.server..");

    /** Each rule catches a violation planted in test code (which the rules above do not import). */
    @Test
    void eachRuleCatchesAPlantedViolation() {
        assertThat(violated(servicesDoNotDependOnAdapters, ServiceCallingRest.class))
                .isTrue();
        assertThat(violated(mcpDoesNotUseRest, McpCallingRest.class)).isTrue();
        assertThat(violated(restDoesNotUseMcp, RestCallingMcp.class)).isTrue();
        assertThat(violated(clientIsTheBottom, ClientCallingAuth.class)).isTrue();
        assertThat(violated(gatewayRunsBesideNeo4j, GatewayStartingNeo4j.class)).isTrue();
        assertThat(violated(noEntryPointsInTheGateway, CommandInTheGateway.class))
                .isTrue();
    }

    private static boolean violated(ArchRule rule, Class<?> planted) {
        JavaClasses classes = new ClassFileImporter().importClasses(planted);
        return rule.evaluate(classes).hasViolation();
    }
}
