package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The blast radius of a card when Azure cannot be asked for the role's definition just now. */
class BlastRadiiTest {

    private static final RoleDefinition KEY_MASTER = new RoleDefinition("/providers/x/roleDefinitions/1", "Key Master",
            true, List.of("Microsoft.Authorization/*"), List.of(), List.of(), List.of());

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final AtomicInteger calls = new AtomicInteger();
    private final AccessInventory throttledOnce = new AccessInventory() {
        @Override
        public Listing list(Collection<AzureScope> scopes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RoleDefinition> definition(RoleRef role, AzureScope scope) {
            throw new AssertionError("a card must not wait out a throttle");
        }

        @Override
        public Optional<RoleDefinition> definitionWithoutWaiting(RoleRef role, AzureScope scope) {
            if (calls.incrementAndGet() == 1) {
                throw new AccessProviderException("ARM answered 429 (Retry-After 5 s)");
            }
            return Optional.of(KEY_MASTER);
        }

        @Override
        public List<RoleDefinition> builtInRoles(AzureScope scope) {
            return List.of();
        }

        @Override
        public void remove(String assignmentId) {
            throw new UnsupportedOperationException();
        }
    };
    private final BlastRadii radii = new BlastRadii(TestPolicies::design, throttledOnce, (p, r) -> List.of(), clock,
            BlastRadii.TTL);

    @Test
    void aCustomRoleThatCouldNotBeReadOnce_isAskedForAgainAfterAMinute_notAfterTheWholeTtl() {
        AccessRequest r = AccessRequest.pending(new RequestId("JIT-KEY1"), TestPolicies.ALICE,
                new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", PrincipalType.USER, "Alice"),
                RoleRef.named("Key Master"), TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofMinutes(45),
                "rotate keys", null, "operate payments", 1, clock.instant(), clock.instant().plusSeconds(1800));

        BlastRadius first = radii.of(r);
        clock.advance(Duration.ofSeconds(30));
        BlastRadius stillCached = radii.of(r);
        clock.advance(BlastRadii.FAILED_TTL);
        BlastRadius later = radii.of(r);

        assertThat(first.known()).isFalse();
        assertThat(stillCached.known()).isFalse();
        assertThat(later.known()).isTrue();
        assertThat(later.risky()).isTrue();
        assertThat(calls).hasValue(2);
    }
}
