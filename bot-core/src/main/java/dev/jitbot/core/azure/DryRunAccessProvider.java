package dev.jitbot.core.azure;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls nothing: prints the ARM call it would make and remembers the assignment in memory. Chosen explicitly
 * ({@code JITBOT_AZURE_MODE=dry-run}) or when no Azure credential is configured, never silently otherwise.
 */
public final class DryRunAccessProvider implements AccessProvider {

    private static final Logger log = LoggerFactory.getLogger(DryRunAccessProvider.class);

    private final Map<String, ProviderAssignment> held = new ConcurrentHashMap<>();
    private final Consumer<String> out;

    /** @param out where to print each call it would have made (the log when null) */
    public DryRunAccessProvider(Consumer<String> out) {
        this.out = out != null ? out : log::info;
    }

    @Override
    public String mode() {
        return "dry-run";
    }

    @Override
    public GrantResult grant(AccessRequest r, Instant expiresAt) {
        String name = ArmNames.assignmentName(r);
        String id = r.scope().id() + "/providers/Microsoft.Authorization/roleAssignments/" + name;
        out.accept("[dry-run] would PUT " + id + " role=" + r.role().name() + " principal=" + r.principal().objectId()
                + " (" + r.principal().type().armName() + ") description=\"" + ArmNames.description(r.id(), expiresAt)
                + "\"");
        held.put(id, new ProviderAssignment(id, r.id().value(), r.principal(), r.role(), r.scope(), expiresAt));
        return new GrantResult.Granted(id);
    }

    @Override
    public void revoke(AccessRequest r) {
        String id = r.assignmentId() != null ? r.assignmentId()
                : r.scope().id() + "/providers/Microsoft.Authorization/roleAssignments/" + ArmNames.assignmentName(r);
        out.accept("[dry-run] would DELETE " + id);
        held.remove(id);
    }

    @Override
    public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
        return new ArrayList<>(held.values());
    }

    @Override
    public void delete(ProviderAssignment orphan) {
        out.accept("[dry-run] would DELETE " + orphan.assignmentId() + " (orphan)");
        held.remove(orphan.assignmentId());
    }
}
