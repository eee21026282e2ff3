package dev.jitbot.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AccessProvider} promises the core, run against the fake and against each real implementation
 * (the Azure ones over their HTTPS fakes): grants are idempotent per request, revocation is idempotent, and what
 * was granted is listed with its request id until it is revoked or deleted.
 */
public abstract class AccessProviderContract {

    protected static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    /** The implementation under test, fresh for each test. */
    protected abstract AccessProvider provider();

    protected static AccessRequest activating(String id, String email) {
        return AccessRequest.pending(new RequestId(id), TestPolicies.ALICE,
                new Principal(FakeDirectory.objectIdOf(email), PrincipalType.USER, email), new RoleRef("Reader", null),
                TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofHours(1), "contract", null, "read production", 0,
                NOW, NOW.plus(Duration.ofMinutes(30))).to(State.ACTIVATING);
    }

    private static AccessRequest active(AccessRequest r, AccessProvider.GrantResult result) {
        assertThat(result).isInstanceOf(AccessProvider.GrantResult.Granted.class);
        return r.to(State.ACTIVE).withActivation(NOW, ((AccessProvider.GrantResult.Granted) result).assignmentId());
    }

    private List<AccessProvider.ProviderAssignment> listed(RequestId id) {
        return provider().list(List.of(TestPolicies.SUB_PROD)).stream()
                .filter(a -> id.value().equals(a.requestId())).toList();
    }

    @Test
    void grant_isListedWithItsRequestIdScopeAndPrincipal() {
        AccessRequest r = activating("JIT-C0A1", "alice@contoso.com");

        active(r, provider().grant(r, NOW.plus(Duration.ofHours(1))));

        assertThat(listed(r.id())).singleElement().satisfies(a -> {
            assertThat(a.scope()).isEqualTo(TestPolicies.RG_PAYMENTS);
            assertThat(a.principal().objectId()).isEqualTo(r.principal().objectId());
        });
    }

    @Test
    void grant_retriedForTheSameRequest_leavesOneAssignment() {
        AccessRequest r = activating("JIT-C0A2", "alice@contoso.com");

        AccessRequest first = active(r, provider().grant(r, NOW.plus(Duration.ofHours(1))));
        AccessRequest second = active(r, provider().grant(r, NOW.plus(Duration.ofHours(1))));

        assertThat(second.assignmentId()).isEqualTo(first.assignmentId());
        assertThat(listed(r.id())).hasSize(1);
    }

    @Test
    void revoke_removesTheAssignment_andIsIdempotent() {
        AccessRequest r = activating("JIT-C0A3", "bob@contoso.com");
        AccessRequest held = active(r, provider().grant(r, NOW.plus(Duration.ofHours(1))));

        provider().revoke(held);
        provider().revoke(held);

        assertThat(listed(r.id())).isEmpty();
    }

    @Test
    void delete_removesAnOrphanFromTheList() {
        AccessRequest r = activating("JIT-C0A4", "carol@contoso.com");
        active(r, provider().grant(r, NOW.plus(Duration.ofHours(1))));

        provider().delete(listed(r.id()).get(0));

        assertThat(listed(r.id())).isEmpty();
    }
}
