package dev.jitbot.core.testing;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Permissions;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Extension;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Vote;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every renderer (Slack, Teams, the console) must show alike: each {@link Outcome} names its request, and each
 * request card, in every {@link State} and for every kind of viewer, carries the request's facts and exactly the
 * actions the core gives. A renderer's test extends this; a new outcome or state fails here until it has a sample,
 * and a new action fails where a renderer does not draw it.
 */
public abstract class RenderingContract {

    protected static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    /** On call and approving nothing: the viewer who may stop a pending request but not decide it. */
    protected static final ChatUser ERIN = TestPolicies.ERIN;
    protected static final ChatUser NOBODY = new ChatUser(dev.jitbot.core.domain.Platform.SLACK, "U0ZED", "Zed",
            "zed@contoso.com", null);

    protected final CoreHarness core = new CoreHarness();

    protected RenderingContract() {
        core.policy.set(TestPolicies.withOncallMembers(core.policy.get(), "erin@contoso.com"));
        core.clock.set(T0.plusSeconds(60));
    }

    /** What the renderer says for {@code o} (a reply, a DM, a card update's text). */
    protected abstract String say(Outcome o);

    /** The card for {@code r} as {@code viewer} sees it, drawn with {@code actions}, as text (JSON or plain). */
    protected abstract String card(AccessRequest r, ChatUser viewer, Set<Action> actions);

    /** The actions the card drawn by {@link #card} offers, read back from what the renderer drew. */
    protected abstract Set<Action> drawn(AccessRequest r, ChatUser viewer, Set<Action> actions);

    /**
     * The actions a renderer's card for {@code viewer} carries: the viewer's own where the platform draws a card per
     * viewer (Teams), the shared-card actions where everyone sees one message (Slack's channel card).
     */
    protected abstract Set<Action> actionsOnCard(AccessRequest r, ChatUser viewer);

    /** What the renderer says when {@code attempted} failed with {@code error} (the core's {@code Failures}). */
    protected abstract String failure(String attempted, Throwable error);

    /** How the renderer names a person on a card (a Slack mention, a name elsewhere). */
    protected String person(ChatUser u) {
        return u.displayName();
    }

    /** How the renderer types a jitbot command (Slack's {@code /jit release …}). */
    protected String command(String line) {
        return line;
    }

    // ------------------------------------------------------------------------------------------------ samples

    /** One request in each state, filed under "operate payments" (one approval by leads). */
    public static Map<State, AccessRequest> requests() {
        AccessRequest pending = AccessRequest.pending(RequestId.parse("JIT-7K3F").orThrow(), ALICE,
                new Principal(FakeDirectory.objectIdOf("alice@contoso.com"), PrincipalType.USER, "Alice"),
                new RoleRef("Contributor", null), TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofMinutes(45),
                "INC-4411 hotfix", "INC-4411", "operate payments", 1, T0, T0.plusSeconds(1800));
        AccessRequest activating = pending.withVote(new Vote(BOB, Vote.Decision.APPROVE, T0, null))
                .to(State.ACTIVATING);
        AccessRequest active = activating.to(State.ACTIVE).withActivation(T0, "/subscriptions/s/roleAssignments/1");
        AccessRequest revoking = active.to(State.REVOKING).withEnd(T0.plusSeconds(120), EndReason.RELEASED, ALICE, null);
        Map<State, AccessRequest> out = new EnumMap<>(State.class);
        out.put(State.PENDING, pending);
        out.put(State.SCHEDULED, AccessRequest.pendingFrom(pending.id(), ALICE, pending.principal(), pending.role(),
                pending.scope(), pending.scopeLabel(), pending.duration(), pending.justification(), pending.ticket(),
                pending.ruleName(), 1, T0, T0.plusSeconds(7200), T0.plusSeconds(3600), "Europe/Berlin")
                .withVote(new Vote(BOB, Vote.Decision.APPROVE, T0, null)).to(State.SCHEDULED));
        out.put(State.ACTIVATING, activating);
        out.put(State.ACTIVE, active);
        out.put(State.REVOKING, revoking);
        out.put(State.ENDED, revoking.to(State.ENDED));
        out.put(State.DENIED, pending.withVote(new Vote(BOB, Vote.Decision.DENY, T0, "not now")).to(State.DENIED)
                .withEnd(T0, null, BOB, "not now"));
        out.put(State.CANCELLED, pending.to(State.CANCELLED).withEnd(T0, null, ALICE, null));
        out.put(State.LAPSED, pending.to(State.LAPSED).withEnd(T0.plusSeconds(1800), null, null, null));
        out.put(State.FAILED, activating.to(State.FAILED).withNote("Azure answered 403 AuthorizationFailed"));
        return out;
    }

    /** The active grant with an extension waiting for approval. */
    public static AccessRequest extensionPending() {
        return requests().get(State.ACTIVE).withExtension(new Extension(Duration.ofMinutes(30), "still fixing", T0,
                List.of()));
    }

    /** An active break-glass grant nobody has reviewed yet. */
    public static AccessRequest breakGlassUnreviewed() {
        AccessRequest p = requests().get(State.PENDING);
        return AccessRequest.pending(p.id(), ALICE, p.principal(), p.role(), p.scope(), p.scopeLabel(), p.duration(),
                "INC-4411 payments down", null, "break-glass", 0, T0, T0.plusSeconds(60))
                .withBreakGlass(dev.jitbot.core.domain.BreakGlass.UNREVIEWED).to(State.ACTIVATING).to(State.ACTIVE)
                .withActivation(T0, "/subscriptions/s/roleAssignments/2");
    }

    /** One sample of every outcome. */
    public static Map<Class<?>, Outcome> outcomes() {
        Map<State, AccessRequest> r = requests();
        Map<Class<?>, Outcome> out = new LinkedHashMap<>();
        out.put(Outcome.Requested.class, new Outcome.Requested(r.get(State.PENDING)));
        out.put(Outcome.Approved.class, new Outcome.Approved(r.get(State.PENDING)));
        out.put(Outcome.Scheduled.class, new Outcome.Scheduled(r.get(State.SCHEDULED)));
        out.put(Outcome.Activating.class, new Outcome.Activating(r.get(State.ACTIVATING)));
        out.put(Outcome.Failed.class, new Outcome.Failed(r.get(State.FAILED)));
        out.put(Outcome.Denied.class, new Outcome.Denied(r.get(State.DENIED)));
        out.put(Outcome.Cancelled.class, new Outcome.Cancelled(r.get(State.CANCELLED)));
        out.put(Outcome.Ended.class, new Outcome.Ended(r.get(State.ENDED)));
        out.put(Outcome.Revoking.class, new Outcome.Revoking(r.get(State.REVOKING)));
        out.put(Outcome.ExtensionRequested.class, new Outcome.ExtensionRequested(extensionPending()));
        out.put(Outcome.Extended.class, new Outcome.Extended(r.get(State.ACTIVE).extendedBy(Duration.ofMinutes(30))));
        out.put(Outcome.Listing.class, new Outcome.Listing(List.of(r.get(State.PENDING), r.get(State.ACTIVE)), true));
        out.put(Outcome.Details.class, new Outcome.Details(r.get(State.ACTIVE), List.of()));
        out.put(Outcome.History.class, new Outcome.History("everyone", List.of()));
        out.put(Outcome.Reviewed.class, new Outcome.Reviewed(breakGlassUnreviewed().withBreakGlass(
                dev.jitbot.core.domain.BreakGlass.reviewedBy(ERIN, T0.plusSeconds(300), "checked with Alice"))));
        out.put(Outcome.Help.class, new Outcome.Help(dev.jitbot.core.domain.CommandParser.help()));
        out.put(Outcome.Refused.class, new Outcome.Refused(Refusal.Reason.NOT_ELIGIBLE, "No rule grants Owner on "
                + "rg-payments (JIT-7K3F)."));
        return out;
    }

    static List<ChatUser> viewers() {
        return List.of(ALICE, BOB, ERIN, NOBODY);
    }

    // ------------------------------------------------------------------------------------------------ the contract

    @Test
    void everyOutcome_hasASample() {
        assertThat(outcomes().keySet()).containsExactlyInAnyOrderElementsOf(
                Arrays.asList(Outcome.class.getPermittedSubclasses()));
    }

    @Test
    void everyState_hasASample() {
        assertThat(requests().keySet()).containsExactlyInAnyOrder(State.values());
    }

    @Test
    void everyOutcome_namesItsRequestOrWhatItIsAbout() {
        outcomes().forEach((type, o) -> {
            String said = say(o);
            assertThat(said).as(type.getSimpleName()).isNotBlank();
            if (type == Outcome.History.class || type == Outcome.Help.class) {
                return;
            }
            assertThat(said).as(type.getSimpleName()).contains("JIT-7K3F");
        });
    }

    @Test
    void everyCard_inEveryStateForEveryViewer_carriesTheFactsAndExactlyTheCoresActions() {
        Map<State, AccessRequest> all = new EnumMap<>(requests());
        for (AccessRequest r : all.values()) {
            for (ChatUser viewer : viewers()) {
                assertCard(r, viewer);
            }
        }
        for (ChatUser viewer : viewers()) {
            assertCard(extensionPending(), viewer);
            assertCard(breakGlassUnreviewed(), viewer);
        }
    }

    /**
     * The words every platform shows for a request in each state (the same facts, whatever the layout): where it
     * stands, approvals n of m and who approved it.
     */
    protected List<String> stateFacts(AccessRequest r) {
        String bob = person(BOB);
        String alice = person(ALICE);
        if (r.isBreakGlass()) {
            return List.of("Active until", "none (break-glass)", "Unreviewed");
        }
        if (r.extension() != null) {
            return List.of("Active until", "An extension by 30 min waits for approval", "1 of 1", bob);
        }
        return switch (r.state()) {
            case PENDING -> List.of("Waiting for 1 more approval; lapses at 10:30 UTC", "0 of 1");
            case SCHEDULED -> List.of("Approved by " + bob, "Starts at Wed 25 Nov 12:00 Europe/Berlin (11:00 UTC)",
                    "1 of 1");
            case ACTIVATING -> List.of("Approved by " + bob, "Azure is granting it now", "1 of 1");
            case ACTIVE -> List.of("Approved by " + bob, "Active until 10:45 UTC (44 min left)", "1 of 1");
            case REVOKING -> List.of("Being revoked (released early)", "1 of 1");
            case ENDED -> List.of("revoked at 10:02:00 UTC", "released early by " + alice, "1 of 1");
            case DENIED -> List.of("Denied by " + bob + ": not now", "0 of 1");
            case CANCELLED -> List.of("Cancelled by " + alice + "; nothing was granted", "0 of 1");
            case LAPSED -> List.of("Lapsed: nobody decided by 10:30 UTC", "0 of 1");
            case FAILED -> List.of("Azure did not grant it: Azure answered 403 AuthorizationFailed", "1 of 1");
        };
    }

    @Test
    void everyCard_inEveryStateForEveryViewer_showsTheSameStatusAndApprovals() {
        List<AccessRequest> all = new java.util.ArrayList<>(requests().values());
        all.add(extensionPending());
        all.add(breakGlassUnreviewed());
        for (AccessRequest r : all) {
            for (ChatUser viewer : viewers()) {
                String what = r.state() + (r.extension() != null ? "+extension" : "") + (r.isBreakGlass()
                        ? "+break-glass" : "") + " seen by " + viewer.displayName();
                assertThat(card(r, viewer, actionsOnCard(r, viewer))).as(what).contains(stateFacts(r));
            }
        }
    }

    @Test
    void outcomesThatNameACommand_typeItAsThePlatformDoes() {
        Map<Class<?>, Outcome> all = outcomes();
        assertThat(say(all.get(Outcome.Requested.class))).contains(command("cancel JIT-7K3F"));
        assertThat(say(all.get(Outcome.Scheduled.class))).contains(command("cancel JIT-7K3F"));
        assertThat(say(all.get(Outcome.ExtensionRequested.class))).contains(command("approve JIT-7K3F"));
        assertThat(say(all.get(Outcome.Approved.class))).contains("0 of 1");
        assertThat(say(all.get(Outcome.Help.class))).contains(command("release <id>"));
    }

    @Test
    void theCoreGivesEachViewerWhatTheRulesSay() {
        AccessRequest pending = requests().get(State.PENDING);
        assertThat(core.service.actionsFor(ALICE, pending)).containsExactly(Action.CANCEL);
        assertThat(core.service.actionsFor(BOB, pending)).containsExactly(Action.APPROVE, Action.DENY);
        assertThat(core.service.actionsFor(ERIN, pending)).containsExactly(Action.STOP_PENDING);
        assertThat(core.service.actionsFor(NOBODY, pending)).isEmpty();
        assertThat(core.service.actionsFor(BOB, extensionPending()))
                .containsExactly(Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.REVOKE);
        assertThat(core.service.actionsFor(ERIN, breakGlassUnreviewed())).containsExactly(Action.REVOKE, Action.REVIEW);
        assertThat(core.service.actionsFor(ALICE, breakGlassUnreviewed())).containsExactly(Action.RELEASE);
    }

    private void assertCard(AccessRequest r, ChatUser viewer) {
        Set<Action> actions = actionsOnCard(r, viewer);
        String what = r.state() + (r.extension() != null ? "+extension" : "") + " seen by " + viewer.displayName();
        String card = card(r, viewer, actions);
        assertThat(card).as(what).contains("JIT-7K3F").contains("Contributor").contains("rg-payments");
        assertThat(drawn(r, viewer, actions)).as(what).containsExactlyInAnyOrderElementsOf(actions);
    }

    @Test
    void aFailure_saysTheSameOnEveryPlatform_withAnEventId_andNeverTheExceptionsWords() {
        String down = failure("handle your command", new dev.jitbot.core.app.StoreException(
                "commit failed: Connection refused (SQLState 08001)", null));
        String other = failure("show your requests", new IllegalStateException("connection reset by 10.0.0.7"));

        assertThat(down).contains("jitbot cannot reach its database right now; nothing was changed — try again in a "
                + "minute.").containsPattern("tell the jitbot operators event id \\S*E[0-9A-F]{8}")
                .doesNotContain("SQLState");
        assertThat(other).contains("Something went wrong on my side while I tried to show your requests.")
                .contains(command("list")).containsPattern("event id \\S*E[0-9A-F]{8}").doesNotContain("10.0.0.7")
                .doesNotContain("IllegalStateException");
    }

    @Test
    void everyAction_hasOneLabelOfItsOwn_andStandsForACommand() {
        assertThat(Arrays.stream(Action.values()).map(Action::label).distinct()).hasSize(Action.values().length);
        for (Action a : Action.values()) {
            assertThat(dev.jitbot.core.domain.CommandParser.VERBS).as(a.name()).contains(a.verb());
            assertThat(byLabel(a.verb(), a.label())).isEqualTo(a);
        }
    }

    /**
     * The action a drawn button stands for, read back from its command verb and its words, which must be the core's
     * label for it: so every platform shows the same button the same way. Fails on any other label.
     */
    protected static Action byLabel(String verb, String label) {
        return Arrays.stream(Action.values()).filter(a -> a.verb().equals(verb) && a.label().equals(label))
                .findFirst().orElseThrow(() -> new AssertionError("a button the core does not label so: " + verb
                        + " \"" + label + "\""));
    }

    /** The shared card's actions: what a card every member sees alike must carry. */
    protected static Set<Action> shared(AccessRequest r) {
        return Permissions.onSharedCard(r);
    }
}
