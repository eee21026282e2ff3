package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.CommandParser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The use cases behind one door: request, approve, deny, cancel, revoke, release, extend, break-glass, review,
 * list, show, history. Every authorization decision lives in the core, never in an adapter. Refusals come back as
 * {@link Outcome.Refused} with a sentence that says what to do instead; only infrastructure failures throw.
 *
 * <p>This class only wires and delegates: {@link Filing} files requests (and their dry run), {@link BundleRequests}
 * bundles, {@link BreakGlassDesk} break-glass grants and reviews, {@link Decisions} approvals, denials and the start
 * check, {@link Endings} cancel, release, revoke and on-call's stop, {@link Extensions} more time, {@link Queries}
 * everything that only reads. Each writes through the one {@link Transition}.
 */
public final class AccessService {

    /** The oldest directory answer an approve or deny click is decided on (account state, Entra group membership). */
    public static final Duration LIVE_IDENTITY_MAX_AGE = Duration.ofSeconds(60);

    private final Supplier<Policy> policy;
    private final Membership membership;
    private final Permissions permissions;
    private volatile BlastRadii blastRadii;
    private final BreakGlassDesk breakGlass;
    private final BundleRequests bundles;
    private final Filing filing;
    private final Decisions decisions;
    private final Endings endings;
    private final Extensions extensions;
    private final Queries queries;

    /**
     * @param store  reads requests; every write goes through {@code outbox}
     * @param outbox writes each transition with its audit events and the work it causes, in one transaction
     * @param audit  reads the audit trail for {@code show} and {@code history}
     * @param provider only says what it can grant (its mode and shortest grant); workers make the calls
     */
    public AccessService(Supplier<Policy> policy, RequestStore store, Outbox outbox, AuditLog audit,
                         AccessProvider provider, Directory directory, Notifications notifications, ExpiryScheduler scheduler,
                         Clock clock, RandomGenerator random) {
        this(policy, store, outbox, audit, provider, directory, notifications, scheduler, clock, random,
                OnCallSource.NONE);
    }

    /** @param oncallSource asks the policy's {@code oncall_source} who is on call, for {@code auto_approve_if: oncall} */
    public AccessService(Supplier<Policy> policy, RequestStore store, Outbox outbox, AuditLog audit,
                         AccessProvider provider, Directory directory, Notifications notifications, ExpiryScheduler scheduler,
                         Clock clock, RandomGenerator random, OnCallSource oncallSource) {
        this.policy = Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        OnCall oncall = new OnCall(policy, Objects.requireNonNull(oncallSource, "oncallSource"), clock);
        this.membership = new Membership(policy, directory, oncall);
        this.blastRadii = BlastRadii.offline(policy, clock);
        Transition transition = new Transition(store, outbox, clock, random);
        this.breakGlass = new BreakGlassDesk(policy, store, transition, provider, directory, notifications, membership,
                clock);
        this.bundles = new BundleRequests(policy, store, transition, directory, membership, notifications, scheduler,
                clock, provider);
        this.permissions = new Permissions(policy, membership, breakGlass::mayReview);
        this.filing = new Filing(policy, store, transition, provider, directory, membership, oncall, notifications,
                scheduler, clock);
        this.extensions = new Extensions(policy, transition, permissions, notifications, scheduler, clock);
        this.decisions = new Decisions(policy, transition, extensions, directory, membership, permissions,
                notifications, scheduler, clock);
        this.endings = new Endings(policy, transition, membership, permissions, notifications, scheduler, clock);
        this.queries = new Queries(policy, store, audit, membership, permissions);
    }

    /** Where request cards get their blast radius from (the runtime wires Azure's role definitions in). */
    public void useBlastRadii(BlastRadii radii) {
        this.blastRadii = Objects.requireNonNull(radii, "radii");
    }

    /**
     * The one line every request card shows about what the role can do on the scope, with the policy's lint
     * warnings for its rule. Chat adapters and the console print it; none of them weighs the risk itself.
     */
    public BlastRadius blastRadius(AccessRequest r) {
        return blastRadii.of(r);
    }

    /** Parses one line of chat text and carries it out for {@code actor}. */
    public Outcome handle(ChatUser actor, String text) {
        Parsed<Command> command = CommandParser.parse(text);
        if (command instanceof Parsed.Invalid<Command> invalid) {
            return new Outcome.Refused(Reason.INVALID_INPUT, invalid.reason());
        }
        return handle(actor, command.orThrow());
    }

    /** Carries out a parsed command for {@code actor}. */
    public Outcome handle(ChatUser actor, Command command) {
        Objects.requireNonNull(actor, "actor");
        if (command instanceof Command.Request r) {
            return request(actor, r);
        } else if (command instanceof Command.RequestBundle b) {
            return request(actor, b);
        } else if (command instanceof Command.ListRequests l) {
            return list(actor, l.filter());
        } else if (command instanceof Command.Show s) {
            return show(actor, s.id());
        } else if (command instanceof Command.Approve a) {
            return approve(actor, a.id());
        } else if (command instanceof Command.Deny d) {
            return deny(actor, d.id(), d.reason());
        } else if (command instanceof Command.Cancel c) {
            return cancel(actor, c.id());
        } else if (command instanceof Command.Revoke r) {
            return revoke(actor, r.id(), r.reason());
        } else if (command instanceof Command.Release r) {
            return release(actor, r.id());
        } else if (command instanceof Command.Extend e) {
            return extend(actor, e.id(), e.by(), e.justification());
        } else if (command instanceof Command.BreakGlass b) {
            return breakGlass(actor, b);
        } else if (command instanceof Command.Review r) {
            return review(actor, r.id(), r.note());
        } else if (command instanceof Command.History h) {
            return history(actor, h.who());
        } else if (command instanceof Command.Help h) {
            return new Outcome.Help(CommandParser.help(h.topic()));
        }
        throw new IllegalArgumentException("unhandled command " + command);
    }

    // ---------------------------------------------------------------------------------------------- break-glass

    /**
     * Grants at once without approval under the policy's {@code break_glass:}, announced in the security channel and
     * to every on-call member; the grant stays unreviewed until someone other than the requester reviews it.
     */
    public Outcome breakGlass(ChatUser actor, Command.BreakGlass command) {
        Objects.requireNonNull(actor, "actor");
        return breakGlass.breakGlass(actor, Objects.requireNonNull(command, "command"));
    }

    /** Reviews a break-glass grant with a note; never by its requester, and only once. */
    public Outcome review(ChatUser actor, RequestId id, String note) {
        Objects.requireNonNull(actor, "actor");
        return breakGlass.review(actor, Objects.requireNonNull(id, "id"), note);
    }

    /** Why {@code user} may not review {@code request} now (for a Review button before it opens a form). */
    public Optional<Outcome.Refused> whyNotReview(ChatUser user, AccessRequest request) {
        return breakGlass.whyNot(user, request);
    }

    // ---------------------------------------------------------------------------------------------- request

    /**
     * Files a bundle request: every member of the policy bundle as one request under the strictest of the member
     * rules the requester is eligible under; a member they are not eligible for is named in the refusal.
     */
    public Outcome request(ChatUser actor, Command.RequestBundle typed) {
        Objects.requireNonNull(actor, "actor");
        return bundles.request(actor, typed);
    }

    /** Files a request; grants at once when the rule needs no approval. */
    public Outcome request(ChatUser actor, Command.Request typed) {
        return filing.request(actor, typed);
    }

    /**
     * What would keep {@code typed} from being filed for {@code viewer} now (empty: it would be filed): the checks
     * {@link #request} makes, in its order, without writing anything. A form shows each under the field it names.
     */
    public List<Refusal> check(ChatUser viewer, Command.Request typed) {
        return filing.check(viewer, typed);
    }

    /**
     * The caller of {@code /api/v1} with the Entra object id of its token, named as policy knows it: the workload's
     * alias and its owners, so cards and the audit log show whose identity asked.
     */
    public ChatUser workloadCaller(String objectId) {
        Objects.requireNonNull(objectId, "objectId");
        return filing.workloadCaller(objectId);
    }

    // ---------------------------------------------------------------------------------------------- decisions

    /** Counts {@code actor}'s approval; grants once the rule's quorum of distinct approvers is reached. */
    public Outcome approve(ChatUser actor, RequestId id) {
        return decisions.approve(actor, id);
    }

    /** Ends a pending request (or a pending extension) with {@code actor}'s reason. */
    public Outcome deny(ChatUser actor, RequestId id, String reason) {
        return decisions.deny(actor, id, reason);
    }

    /**
     * Why {@code user} may not deny {@code request} now (for a Deny button before it opens a form), in the words
     * {@link #deny} would refuse with; empty when they may deny it, or stop it as on-call.
     */
    public Optional<Outcome.Refused> whyNotDeny(ChatUser user, AccessRequest request) {
        return decisions.whyNotDeny(user, request);
    }

    /**
     * Why the scheduled request {@code r} may not start now, or empty when it still may: its rule is still in the
     * policy and grants its role on its scope for its duration, its requester (and workload) is still eligible, its
     * ticket still matches the rule's pattern, and enough of its approvers still count, which they do only while
     * they are still approvers by an answer at most a minute old and their Entra account is live. The sentence
     * finishes "jitbot did not grant it: …". Throws when the directory cannot be asked, so the check is retried.
     */
    public Optional<String> whyNotStartable(AccessRequest r) {
        return decisions.whyNotStartable(r);
    }

    // ---------------------------------------------------------------------------------------------- endings

    /** Withdraws the requester's own pending request. */
    public Outcome cancel(ChatUser actor, RequestId id) {
        return endings.cancel(actor, id);
    }

    /** Ends a grant now: on-call, the rule's approvers, or the requester may. */
    public Outcome revoke(ChatUser actor, RequestId id, String reason) {
        return endings.revoke(actor, id, reason);
    }

    /** The requester gives their access back early. */
    public Outcome release(ChatUser actor, RequestId id) {
        return endings.release(actor, id);
    }

    /** Asks for more time on an active grant; re-approved as the rule says, never past its maximum. */
    public Outcome extend(ChatUser actor, RequestId id, Duration by, String justification) {
        return extensions.extend(actor, id, by, justification);
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** Active grants and pending requests: the caller's own, or everyone's for on-call. */
    public Outcome list(ChatUser actor, Command.ListRequests.Filter filter) {
        return queries.list(actor, filter);
    }

    /** One request with its audit trail, for the requester, its approvers and on-call. */
    public Outcome show(ChatUser actor, RequestId id) {
        return queries.show(actor, id);
    }

    /** The audit trail of a request, of a person (on-call only), or of the caller. */
    public Outcome history(ChatUser actor, String who) {
        return queries.history(actor, who);
    }

    /** True when {@code user} is in the on-call group (App Home shows them everything open). */
    public boolean isOncall(ChatUser user) {
        return membership.isOncall(user);
    }

    /** What {@code viewer} may do to {@code r} now: every button and hint an adapter draws comes from this. */
    public Set<Permissions.Action> actionsFor(ChatUser viewer, AccessRequest r) {
        return permissions.actionsFor(viewer, r);
    }

    /** True when {@code user} may approve {@code request} (not the requester, in the rule's approvers). */
    public boolean canApprove(ChatUser user, AccessRequest request) {
        return queries.canApprove(user, request);
    }

    /** Requests waiting for a decision that {@code user} may give (for App Home and personal chat). */
    public List<AccessRequest> awaitingDecisionBy(ChatUser user) {
        return queries.awaitingDecisionBy(user);
    }

    /** What {@code user} may ask for, per rule: for request forms that offer only eligible choices. */
    public List<Offer> offers(ChatUser user) {
        return queries.offers(user);
    }

    /** The policy bundles {@code user} is eligible for in every member, for request forms. */
    public List<BundleOffer> bundleOffers(ChatUser user) {
        return bundles.offers(user);
    }

    /** A bundle a person may request: its members and the strictest limits of their rules. */
    public record BundleOffer(String name, List<String> members, Duration maxDuration, int approvals) { }

    /** One thing a person may request: a rule's role, its scopes and limits. */
    public record Offer(String rule, String role, List<String> scopes, Duration maxDuration, int approvals,
                        String ticketPattern, List<String> principals) { }

    /** The request, when {@code id} exists and {@code actor} may see it. */
    public Optional<AccessRequest> find(ChatUser actor, RequestId id) {
        return queries.find(actor, id);
    }

    /** How the audit log names a person: their email when known, else their chat key. */
    public static String actorKey(ChatUser user) {
        return user.email() != null ? user.email() : user.key();
    }

    /** A ticket id {@code pattern} accepts, e.g. {@code INC-1234} for {@code INC-\d+}, for hints and refusals. */
    public static String exampleTicket(Pattern pattern) {
        return Rules.exampleTicket(pattern);
    }
}
