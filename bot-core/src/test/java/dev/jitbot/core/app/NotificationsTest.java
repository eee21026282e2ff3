package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.TestPolicies;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    @Test
    void cardLookupFailing_afterATransitionIsSaved_doesNotUndoOrAbortIt() {
        InMemoryRequestStore real = new InMemoryRequestStore();
        AtomicBoolean down = new AtomicBoolean();
        RequestStore store = (RequestStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RequestStore.class}, (proxy, method, args) -> {
                    if (down.get() && method.getName().equals("messages")) {
                        throw new IllegalStateException("database unreachable (test)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        CoreHarness h = new CoreHarness(store, new InMemoryAuditLog());
        Outcome requested = h.service.handle(TestPolicies.ALICE,
                "request Contributor on rg-payments for 45m because INC-1 hotfix");
        RequestId id = ((Outcome.Requested) requested).request().id();

        down.set(true);
        Outcome approved = h.service.approve(TestPolicies.BOB, id);

        assertThat(approved).isInstanceOf(Outcome.Activating.class);
        assertThat(real.find(id).orElseThrow().state()).isEqualTo(State.ACTIVE);
        assertThat(h.provider.grants).containsExactly(id);
        assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("is yours until"));
    }
}
