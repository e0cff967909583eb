package org.mnemo.procedures;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "org.mnemo.procedures", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Procedures are thin: only the *Procedures classes know the procedure API; services can be called directly. */
    @ArchTest
    static final ArchRule servicesDoNotUseTheProcedureApi = noClasses()
            .that()
            .haveSimpleNameNotEndingWith("Procedures")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.neo4j.procedure..");

    /** Nothing in the plugin reaches for the gateway (it knows the plugin only by its CALL contract). */
    @ArchTest
    static final ArchRule pluginDoesNotDependOnTheGateway =
            noClasses().should().dependOnClassesThat().resideInAPackage("org.mnemo.gateway..");

    /** Procedure classes do not call each other: shared logic lives in services. */
    @ArchTest
    static final ArchRule proceduresDoNotDependOnOtherProcedures = noClasses()
            .that()
            .haveSimpleNameEndingWith("Procedures")
            .should()
            .dependOnClassesThat()
            .haveSimpleNameEndingWith("Procedures");

    /** One fusion for document and memory search: both go through search.Fusion, neither fuses on its own. */
    @ArchTest
    static final ArchRule documentAndMemorySearchShareTheFusion = classes()
            .that()
            .haveFullyQualifiedName("org.mnemo.procedures.search.HybridSearch")
            .or()
            .haveFullyQualifiedName("org.mnemo.procedures.memory.MemorySearch")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.mnemo.procedures.search.Fusion");
}
