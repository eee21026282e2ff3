package dev.jitbot.deploy.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The console is an adapter like Slack and Teams: it draws what the core decides and uses only {@code core.domain}
 * and {@code core.app} from bot-core, and nothing of the rest of deploy (DESIGN.md "Modules").
 */
class BoundariesTest {

    private static final JavaClasses CONSOLE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.jitbot.deploy.console");

    @Test
    void console_usesOnlyTheCoresDomainAndUseCases() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.jitbot.core.store..",
                        "dev.jitbot.core.azure..", "dev.jitbot.core.schedule..", "dev.jitbot.core.policy..",
                        "dev.jitbot.core.oncall..", "dev.jitbot.slack..", "dev.jitbot.teams..")
                .because("the console renders the core's decisions and must not reach past its ports")
                .check(CONSOLE);
    }

    @Test
    void console_doesNotReachBackIntoTheRestOfDeploy() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.jitbot.deploy")
                .check(CONSOLE);
    }
}
