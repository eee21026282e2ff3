package dev.jitbot.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Validates and lints a policy file: line-numbered errors exit 2, warnings alone exit 0. */
@Command(name = "check", description = "Validate and lint a policy file (exit 2 on errors, 0 with warnings).")
final class CheckCommand extends Main.Env implements Callable<Integer> {

    @Parameters(paramLabel = "POLICY", description = "the policy file, e.g. policy.yaml")
    Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            err.println(file + ": no such file. Give the path of a policy, e.g. jitbot check deploy/examples/policy.yaml");
            return Main.REFUSED;
        }
        Pieces.PolicyCheck check = Pieces.checkPolicy(file);
        check.errors().forEach(err::println);
        check.warnings().forEach(out::println);
        if (!check.errors().isEmpty()) {
            err.println(check.errors().size() + " error" + (check.errors().size() == 1 ? "" : "s") + ", "
                    + check.warnings().size() + " warning" + (check.warnings().size() == 1 ? "" : "s")
                    + ": the policy cannot be used until the errors are fixed.");
            return Main.REFUSED;
        }
        out.println(file + ": valid, " + check.policy().rules().size() + " rules, " + check.warnings().size()
                + " warning" + (check.warnings().size() == 1 ? "" : "s") + ".");
        return 0;
    }
}
