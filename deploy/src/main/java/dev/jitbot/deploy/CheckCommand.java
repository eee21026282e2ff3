package dev.jitbot.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Validates and lints a policy file: line-numbered errors exit 2, warnings alone exit 0. */
@Command(name = "check", description = "Validate and lint a policy file (exit 2 on errors, 0 with warnings).")
final class CheckCommand extends Main.Env implements Callable<Integer> {

    @Parameters(paramLabel = "POLICY", description = "the policy file, e.g. policy.yaml")
    Path file;

    @Option(names = "--azure", description = {"also resolve each rule's role in Azure (the identity in AZURE_*, as "
            + "serve uses): warn on wildcard actions on a whole subscription or management group, and suggest "
            + "narrower built-in roles"})
    boolean azure;

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
        int warnings = check.warnings().size();
        if (azure) {
            warnings += checkInAzure();
        }
        out.println(file + ": valid, " + check.policy().rules().size() + " rules, " + warnings
                + " warning" + (warnings == 1 ? "" : "s") + ".");
        return 0;
    }

    /**
     * {@code --azure}: the rules' roles as Azure defines them. Without Azure (no identity, or Azure not answering)
     * it says so and the result is the file's own check. Returns how many warnings it printed.
     */
    private int checkInAzure() {
        dev.jitbot.core.azure.AzureSettings settings;
        try {
            settings = Config.from(env).azure();
        } catch (RuntimeException e) {
            err.println("--azure: the Azure settings are not usable (" + e.getMessage() + "), so the roles were "
                    + "not checked in Azure; the result below is the file's own check.");
            return 0;
        }
        if (!settings.credentialsConfigured()) {
            err.println("--azure: no Azure identity is configured (AZURE_TENANT_ID, AZURE_CLIENT_ID and "
                    + "AZURE_CLIENT_SECRET or a certificate, as for serve), so the roles were not checked in Azure; "
                    + "the result below is the file's own check.");
            return 0;
        }
        dev.jitbot.core.policy.PolicyLoader.Result loaded = dev.jitbot.core.policy.PolicyLoader.load(file);
        dev.jitbot.core.azure.AzureAccess access = dev.jitbot.core.azure.AzureAccess.create(settings,
                java.time.Clock.systemUTC());
        dev.jitbot.core.app.AccessInventory inventory = access.inventory().orElse(null);
        if (inventory == null) {
            err.println("--azure: this Azure mode has no inventory to read role definitions from; the result below "
                    + "is the file's own check.");
            return 0;
        }
        dev.jitbot.core.policy.AzureLint.Result result;
        try {
            result = dev.jitbot.core.policy.AzureLint.lint(loaded.orThrow(), inventory);
        } catch (dev.jitbot.core.app.AccessProviderException e) {
            err.println("--azure: Azure did not answer (" + e.getMessage() + "), so the roles were not checked "
                    + "in Azure; the result below is the file's own check.");
            return 0;
        }
        result.warnings().forEach(w -> out.println(w));
        result.unresolved().forEach(u -> err.println("--azure: not checked: " + u));
        out.println("--azure: " + result.resolved() + " of " + loaded.policy().rules().size()
                + " rules' roles resolved in Azure.");
        return result.warnings().size();
    }
}
