package dev.jitbot.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core's dependency rules (DESIGN.md "Modules"): the domain and use cases know no SDK, database or scheduler. */
class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.jitbot.core");

    @Test
    void domainAndUseCases_importNoSdkDatabaseOrScheduler() {
        noClasses().that().resideInAnyPackage("dev.jitbot.core.domain..", "dev.jitbot.core.app..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "com.slack..", "com.microsoft.bot..", "com.azure..", "org.quartz..", "java.sql..", "org.h2..",
                        "javax.sql..", "org.flywaydb..", "com.zaxxer..", "org.postgresql..")
                .check(CORE);
    }

    @Test
    void domain_importsNothingOutsideTheJdk() {
        classes().that().resideInAPackage("dev.jitbot.core.domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.jitbot.core.domain..")
                .check(CORE);
    }

    @Test
    void domainAndUseCases_doNotDependOnTheirAdapters() {
        noClasses().that().resideInAnyPackage("dev.jitbot.core.domain..", "dev.jitbot.core.app..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.jitbot.core.store..",
                        "dev.jitbot.core.schedule..", "dev.jitbot.core.azure..", "dev.jitbot.core.policy..")
                .check(CORE);
    }
}
