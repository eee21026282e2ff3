package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Base of the commands on-call runs against the configured database when chat is down: the same core as serve,
 * without the HTTP server and without starting the scheduler (the running replicas do that).
 */
abstract class AdminCommand extends Main.Env {

    /** The core on the configured database, or null after printing why it cannot be built. */
    Core open(boolean withProvider) {
        Config config = config();
        config.requirePolicyFile();
        Policy policy = Pieces.loadPolicy(config.policyFile(), err);
        if (policy == null) {
            return null;
        }
        Backend backend = Pieces.openBackend(config.database());
        Pieces.Azure azure = Pieces.azure(config, () -> policy, out::println);
        AccessProvider provider = withProvider ? azure.provider() : new NoAzure();
        return new Core(backend, () -> policy, provider, azure.directory(), Clock.systemUTC(), List.of())
                .owningBackend();
    }

    /** Who is acting from the command line: an email the policy knows, so its rules apply as in chat. */
    static ChatUser cliUser(String email) {
        String e = email.strip().toLowerCase(Locale.ROOT);
        return new ChatUser(Platform.CLI, e, e, e.contains("@") ? e : null);
    }

    /** For read-only commands: refuses every Azure call, so nothing can change by accident. */
    private static final class NoAzure implements AccessProvider {
        @Override
        public String mode() {
            return "none";
        }

        @Override
        public GrantResult grant(dev.jitbot.core.domain.AccessRequest r, java.time.Instant expiresAt) {
            throw new IllegalStateException("read-only command");
        }

        @Override
        public void revoke(dev.jitbot.core.domain.AccessRequest r) {
            throw new IllegalStateException("read-only command");
        }

        @Override
        public List<ProviderAssignment> list(java.util.Collection<dev.jitbot.core.domain.AzureScope> scopes) {
            return List.of();
        }

        @Override
        public void delete(ProviderAssignment orphan) {
            throw new IllegalStateException("read-only command");
        }
    }
}
