package dev.jitbot.teams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Teams adapter draws what the core decides: from bot-core it may use the domain and the use cases
 * ({@code core.domain}, {@code core.app}) and nothing else, so no store, Azure client, scheduler or policy reader
 * (DESIGN.md "Modules").
 */
class BoundariesTest {

    private static final JavaClasses ADAPTER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.jitbot.teams");

    @Test
    void adapter_usesOnlyTheCoresDomainAndUseCases() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.jitbot.core.store..",
                        "dev.jitbot.core.azure..", "dev.jitbot.core.schedule..", "dev.jitbot.core.policy..",
                        "dev.jitbot.core.oncall..")
                .because("the adapter renders the core's decisions and must not reach past its ports")
                .check(ADAPTER);
    }
}
