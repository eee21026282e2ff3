package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.CommandParser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Extension;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.Refusal.Field;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.UserText;
import dev.jitbot.core.domain.Vote;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The use cases: request, approve, deny, cancel, revoke, release, extend, list, show, history. Every
 * authorization decision lives here, never in an adapter. Refusals come back as {@link Outcome.Refused} with a
 * sentence that says what to do instead; only infrastructure failures throw.
 */
public final class AccessService {

    private static final Logger log = LoggerFactory.getLogger(AccessService.class);
    private static final EnumSet<State> OPEN =
            EnumSet.of(State.PENDING, State.SCHEDULED, State.ACTIVATING, State.ACTIVE, State.REVOKING);
    private static final int CAS_ATTEMPTS = 64;
    /** Longest role or principal name read from a request; policy names are far shorter. */
    private static final int MAX_NAME = 200;
    /** The oldest directory answer an approve or deny click is decided on (account state, Entra group membership). */
    public static final Duration LIVE_IDENTITY_MAX_AGE = Duration.ofSeconds(60);

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Outbox outbox;
    private final AuditLog audit;
    private final AccessProvider provider;
    private final Directory directory;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Membership membership;
    private final Permissions permissions;
    private final OnCall oncall;
    private final Clock clock;
    private final RandomGenerator random;
    private volatile BlastRadii blastRadii;
    private final BreakGlassDesk breakGlass;
    private final BundleRequests bundles;

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
        this.store = Objects.requireNonNull(store, "store");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.oncall = new OnCall(policy, Objects.requireNonNull(oncallSource, "oncallSource"), clock);
        this.membership = new Membership(policy, directory, oncall);
        this.blastRadii = BlastRadii.offline(policy, clock);
        this.breakGlass = new BreakGlassDesk(policy, store, outbox, provider, directory, notifications, membership,
                clock, random);
        this.bundles = new BundleRequests(policy, store, outbox, directory, membership, notifications, scheduler, clock,
                random, provider);
        this.permissions = new Permissions(policy, membership, breakGlass::mayReview);
    }

    /** Where request cards get their blast radius from (the runtime wires Azure's role definitions in). */
    public void useBlastRadii(BlastRadii radii) {
        this.blastRadii = Objects.requireNonNull(radii, "radii");
    }

    /**
     * The one line every request card shows about what the role can do on the scope, with the policy's lint
     * warnings for its rule. Chat adapters and the console print it; none of them weighs the risk itself.
     */
    public dev.jitbot.core.domain.BlastRadius blastRadius(AccessRequest r) {
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
        return file(actor, typed, false);
    }

    /**
     * What would keep {@code typed} from being filed for {@code viewer} now (empty: it would be filed): the checks
     * {@link #request} makes, in its order, without writing anything. A form shows each under the field it names.
     */
    public List<Refusal> check(ChatUser viewer, Command.Request typed) {
        Outcome o = file(viewer, typed, true);
        return o instanceof Outcome.Refused r ? List.of(r.refusal()) : List.of();
    }

    private Outcome file(ChatUser actor, Command.Request typed, boolean dryRun) {
        Policy p = policy.get();
        // The scope is not cleaned: AzureScope refuses what does not belong in one rather than rewriting it.
        Command.Request cmd = new Command.Request(UserText.clean(typed.role()), typed.scope(), typed.duration(),
                UserText.clean(typed.justification()), blankToNull(UserText.clean(typed.ticket())),
                blankToNull(UserText.clean(typed.principal())), typed.start());
        Optional<Outcome.Refused> tooLong = UserText.tooLong("your reason", cmd.justification(), UserText.MAX_REASON,
                "Keep it to a sentence or two and put the detail in the ticket.").map(m -> refused(m, Field.JUSTIFICATION))
                .or(() -> UserText.tooLong("that ticket id", cmd.ticket(), UserText.MAX_TICKET,
                        "Give just the id, e.g. `ticket INC-4411`.").map(m -> refused(m, Field.TICKET)))
                .or(() -> UserText.tooLong("that role name", cmd.role(), MAX_NAME,
                        "Name a role from the policy, e.g. `Contributor`.").map(m -> refused(m, Field.ROLE)))
                .or(() -> UserText.tooLong("that principal name", cmd.principal(), MAX_NAME,
                        "Name a principal from the policy by its alias.").map(m -> refused(m, Field.PRINCIPAL)));
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        Duration shortest = provider.shortestGrant();
        if (cmd.duration().compareTo(shortest) < 0) {
            return refused(("pim".equals(provider.mode())
                    ? "PIM grants a role for at least " + Durations.format(shortest) + ", and jitbot uses PIM here"
                    : "jitbot grants a role for at least " + Durations.format(shortest))
                    + "; ask for `for " + Durations.compact(shortest) + "` or more.", Field.DURATION);
        }
        if (cmd.justification() == null || cmd.justification().isBlank()) {
            return refused("Say why with `because <reason>`: approvers and the audit log need it. For example: `"
                    + CommandParser.EXAMPLE_REQUEST + "`.", Field.JUSTIFICATION);
        }
        // A later start: read in the zone typed with it, else the requester's chat zone, else UTC; shown back with it.
        StartTime.Resolved start = null;
        if (cmd.start() != null) {
            Instant at = clock.instant();
            start = cmd.start().resolve(at, actor.timeZone());
            String shown = StartTime.show(start.at(), StartTime.idOf(start.zone()));
            if (!start.at().isAfter(at)) {
                return new Outcome.Refused(Reason.INVALID_INPUT, "That start is " + shown + ": that is in the past; "
                        + "did you mean " + start.tomorrowSameTime() + "? Write `from " + start.tomorrowSameTime()
                        + "`, or leave out `from` to start as soon as it is approved."
                        + (start.notice() != null ? " " + start.notice() : ""));
            }
            if (Duration.between(at, start.at()).compareTo(p.maxLead()) > 0) {
                return new Outcome.Refused(Reason.INVALID_INPUT, "That start is " + shown + ", more than "
                        + lead(p.maxLead()) + " ahead: jitbot schedules access at most " + lead(p.maxLead())
                        + " ahead (policy `max_lead`), so the latest start now is "
                        + StartTime.show(at.plus(p.maxLead()), StartTime.idOf(start.zone()))
                        + ". Ask again closer to the time." + (start.notice() != null ? " " + start.notice() : ""));
            }
        }
        final StartTime.Resolved startAt = start;
        Parsed<AzureScope> scope = p.resolveScope(cmd.scope());
        if (!scope.isOk()) {
            return new Outcome.Refused(Reason.UNKNOWN_SCOPE, scope.reason());
        }
        RoleRef role = RoleRef.named(cmd.role());
        List<String> knownRoles = p.roleNames();
        if (knownRoles.stream().noneMatch(n -> n.equalsIgnoreCase(role.name()))) {
            return new Outcome.Refused(Reason.UNKNOWN_ROLE, "No rule in the policy grants the role `" + role.name()
                    + "`. Roles you can ask for: " + String.join(", ", knownRoles) + ". For example: `"
                    + CommandParser.EXAMPLE_REQUEST + "`.");
        }
        String roleName = knownRoles.stream().filter(n -> n.equalsIgnoreCase(role.name())).findFirst().orElseThrow();
        List<Policy.Rule> covering = p.rules().stream().filter(r -> r.covers(role, scope.orThrow())).toList();
        String label = p.labelFor(scope.orThrow());
        if (covering.isEmpty()) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "No rule grants " + roleName + " on " + label
                    + ". " + whereRoleIsGranted(p, role) + " Ask the platform owners to add a rule if you need it.");
        }

        // Who gets the role: the requester, or a non-human identity the requester owns.
        Principal principal;
        String principalAlias = null;
        if (actor.platform() == Platform.API) {
            // A workload asking with its own token: it may only ask for itself, and only if policy knows it.
            Optional<Policy.NonHuman> self = p.principal(actor.aadObjectId());
            if (self.isEmpty()) {
                return new Outcome.Refused(Reason.UNKNOWN_PRINCIPAL, "The caller (object id " + actor.aadObjectId()
                        + ") is not under `principals:` in policy.yaml. Add it there with its owners, e.g. `"
                        + "my-pipeline: { object_id: " + actor.aadObjectId() + ", type: ServicePrincipal, owners: "
                        + "[you@contoso.com] }`, and list `principal:my-pipeline` in the `requesters:` of the rule "
                        + "for " + roleName + " on " + label + ".");
            }
            if (cmd.principal() != null && p.principal(cmd.principal())
                    .filter(n -> n.alias().equals(self.get().alias())).isEmpty()) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "A workload can only ask for itself; leave out "
                        + "`principal` (or give `" + self.get().alias() + "`). Its owners can ask for other "
                        + "identities from chat with `as <principal>`.");
            }
            principal = self.get().principal();
            principalAlias = self.get().alias();
        } else if (cmd.principal() != null) {
            Optional<Policy.NonHuman> nonHuman = p.principal(cmd.principal());
            if (nonHuman.isEmpty()) {
                return new Outcome.Refused(Reason.UNKNOWN_PRINCIPAL, "`" + cmd.principal() + "` is not a principal "
                        + "listed in policy.yaml. Non-human identities need an entry under `principals:` naming their "
                        + "owners before anyone can request access for them.");
            }
            if (!nonHuman.get().ownedBy(actor)) {
                return new Outcome.Refused(Reason.NOT_ELIGIBLE, "You are not an owner of `" + nonHuman.get().alias()
                        + "`, so you cannot request access for it. Its owners are listed in policy.yaml.");
            }
            principal = nonHuman.get().principal();
            principalAlias = nonHuman.get().alias();
        } else {
            Parsed<Principal> user = directory.user(actor);
            if (!user.isOk()) {
                return new Outcome.Refused(Reason.UNKNOWN_USER, user.reason());
            }
            principal = user.orThrow();
        }

        final String alias = principalAlias;
        List<Policy.Rule> eligible = covering.stream()
                .filter(r -> mayRequest(actor, r, alias))
                // A workload asking for itself was matched by name above; `*` is for owners asking from chat.
                .filter(r -> alias == null || actor.platform() == Platform.API || r.allowsPrincipal(alias))
                .sorted(Comparator.comparingInt(Policy.Rule::approvals)
                        .thenComparing(Policy.Rule::maxDuration, Comparator.reverseOrder()))
                .toList();
        if (eligible.isEmpty() && actor.platform() == Platform.API) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, alias + " may not ask for " + roleName + " on " + label
                    + " itself: rule \"" + covering.get(0).name() + "\" allows " + String.join(", ",
                    covering.get(0).requesters()) + ". Add `principal:" + alias + "` to its `requesters:` in "
                    + "policy.yaml, or have an owner ask from chat with `as " + alias + "`.");
        }
        if (eligible.isEmpty() && alias != null) {
            Optional<Policy.Rule> peopleOnly = covering.stream()
                    .filter(r -> membership.isIn(actor, r.requesters())).findFirst();
            if (peopleOnly.isPresent()) {
                Policy.Rule r = peopleOnly.get();
                return new Outcome.Refused(Reason.NOT_ELIGIBLE, "Rule \"" + r.name() + "\" grants " + roleName + " on "
                        + label + (r.principals().isEmpty() ? " to people only: it has no `principals:`"
                        : " only to " + String.join(", ", r.principals())) + ", so not to " + alias + ". Ask the "
                        + "platform owners to add `principals: [" + alias + "]` to it, or request it for yourself.");
            }
        }
        if (eligible.isEmpty()) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "You are not eligible for " + roleName + " on " + label
                    + (alias != null ? " for " + alias : "") + ": rule \"" + covering.get(0).name()
                    + "\" allows " + String.join(", ", covering.get(0).requesters())
                    + ". Ask its owners to add you, or request a role you hold eligibility for (`help`).");
        }

        Policy.Rule chosen = null;
        String ticket = cmd.ticket();
        Outcome.Refused firstProblem = null;
        for (Policy.Rule r : eligible) {
            if (cmd.duration().compareTo(r.maxDuration()) > 0) {
                firstProblem = firstProblem != null ? firstProblem : new Outcome.Refused(Reason.OVER_MAX_DURATION,
                        roleName + " on " + label + " may be held for at most " + Durations.format(r.maxDuration())
                                + "; ask for `for " + Durations.compact(r.maxDuration()) + "` or less.");
                continue;
            }
            if (r.ticket() != null) {
                String t = ticketFor(r, ticket, cmd.justification());
                if (t == null) {
                    firstProblem = firstProblem != null ? firstProblem : new Outcome.Refused(Reason.TICKET_REQUIRED,
                            (ticket == null ? roleName + " on " + label + " needs a ticket id"
                                    : "`" + ticket + "` is not a ticket id this rule accepts; it needs one")
                                    + " matching `" + r.ticket().pattern() + "`: add e.g. `ticket "
                                    + exampleTicket(r) + "` to your request.");
                    continue;
                }
                ticket = t;
            }
            chosen = r;
            break;
        }
        if (chosen == null) {
            return firstProblem;
        }

        // One open grant per principal, role and scope: Azure holds one assignment for the three, so a second
        // grant would share it and the first one's expiry would take both away.
        final Principal grantee = principal;
        Optional<AccessRequest> open = store.findOpenFor(grantee.objectId()).stream()
                .filter(o -> o.grants(role, scope.orThrow()))
                .findFirst();
        if (open.isPresent()) {
            return alreadyOpen(grantee, open.get());
        }
        if (dryRun) {
            return null;
        }

        // On call now, for no longer than the rule lets on-call grant alone: approved without a vote. An unreadable
        // schedule counts as not on call, so the request waits for its approvers as it would without the rule.
        String auto = null;
        String oncallNote = "";
        if (chosen.approvals() > 0 && chosen.oncallApproval() != null && alias == null) {
            if (startAt != null) {
                // On call now says nothing about who is on call at the start; approvers decide a later start.
                oncallNote = "; on-call auto-approval not tried: scheduled for later";
            } else if (cmd.duration().compareTo(chosen.oncallApproval().maxDuration()) > 0) {
                oncallNote = "; on-call auto-approval not tried: longer than its "
                        + Durations.format(chosen.oncallApproval().maxDuration());
            } else {
                OnCall.Check check = oncall.check(actor);
                if (check instanceof OnCall.Check.On on) {
                    auto = "on call in schedule " + on.scheduleName();
                    oncallNote = "; on call in " + p.oncallSource().provider().title() + " schedule " + on.schedule();
                } else if (check instanceof OnCall.Check.Unknown u) {
                    oncallNote = "; on-call check unavailable, so approvers decide: " + u.reason();
                } else {
                    oncallNote = "; not on call, so approvers decide";
                }
            }
        }
        final String autoApproval = auto;
        boolean approved = chosen.approvals() == 0 || autoApproval != null;

        Instant now = clock.instant();
        boolean later = startAt != null;
        String notice = later ? startAt.notice() : null;
        for (int i = 0; i < 20; i++) {
            RequestId newId = RequestId.random(random, 4 + i / 5);
            RoleRef grantedRole = new RoleRef(roleName, null);
            // A later start gives approvers until the start (at least the rule's TTL) to decide.
            AccessRequest request = later
                    ? AccessRequest.pendingFrom(newId, actor, principal, grantedRole, scope.orThrow(), label,
                    cmd.duration(), cmd.justification().strip(), ticket, chosen.name(), chosen.approvals(), now,
                    max(now.plus(chosen.requestTtl()), startAt.at()), startAt.at(), StartTime.idOf(startAt.zone()))
                    : AccessRequest.pending(newId, actor, principal, grantedRole, scope.orThrow(), label,
                    cmd.duration(), cmd.justification().strip(), ticket, chosen.name(), chosen.approvals(), now,
                    now.plus(chosen.requestTtl()));
            AuditEvent requested = event(actor, "requested", request, request.label() + " for "
                    + Durations.format(request.duration()) + " to " + principal.displayName() + " ("
                    + principal.objectId() + ", " + principal.type().armName() + "); rule \"" + chosen.name()
                    + "\"; because: " + request.justification() + (ticket != null ? "; ticket " + ticket : "")
                    + (later ? "; from " + StartTime.iso(request.startsAt(), request.startZone())
                    + (notice != null ? " (time zone " + (actor.timeZone() == null ? "typed" : "`"
                    + UserText.excerpt(actor.timeZone(), 40) + "`") + " unknown; read as UTC)" : "") : "")
                    + oncallNote);
            AccessRequest filed = !approved ? request : later ? request.to(State.SCHEDULED)
                    : autoApproval == null ? request.to(State.ACTIVATING)
                    : request.withAutoApproval(autoApproval).to(State.ACTIVATING);
            Change.Builder change = Change.insert(filed).audit(requested)
                    .then(notifications.announce(filed, p.channelsFor(chosen)));
            if (approved) {
                change.audit(AuditEvent.of(now, "jitbot", actor.platform(), "approved", filed.id(),
                        autoApproval != null ? "auto-approved: " + autoApproval + " (rule \"" + chosen.name()
                                + "\", auto_approve_if: oncall, up to "
                                + Durations.format(chosen.oncallApproval().maxDuration()) + ")"
                        : "auto-approved by rule \"" + chosen.name() + "\" (approvals: 0)"
                        + (later ? "; starts at " + StartTime.iso(filed.startsAt(), filed.startZone()) : "")));
                if (later) {
                    // Due at the start: the item re-checks the request there, then activates it (WorkHandlers).
                    change.then(Work.activate(filed.id()).notBefore(filed.startsAt()))
                            .then(notifications.tell(actor, filed, withNotice(Phrases.scheduled(filed), notice)));
                } else {
                    change.then(Work.activate(filed.id()));
                }
            } else if (actor.platform() == Platform.API) {
                change.then(notifications.tellOwners(ownersOf(p, filed), filed, Phrases.awaitingOwners(filed)));
            } else {
                change.then(notifications.tell(actor, filed, withNotice(Phrases.awaiting(filed), notice)));
            }
            Outbox.Commit commit = outbox.commit(change.build());
            if (commit == Outbox.Commit.OPEN_DUPLICATE) {
                // Another request for the same grant won the race between the check above and this write.
                return store.findOpenFor(grantee.objectId()).stream()
                        .filter(o -> o.grants(role, scope.orThrow()))
                        .findFirst().<Outcome>map(o -> alreadyOpen(grantee, o))
                        .orElseGet(() -> new Outcome.Refused(Reason.WRONG_STATE, grantee.displayName()
                                + " already has an open request for " + roleName + " on " + label + "; `list` shows it."));
            }
            if (commit == Outbox.Commit.DONE) {
                if (approved) {
                    return later ? new Outcome.Scheduled(filed, notice) : new Outcome.Activating(filed);
                }
                ExpiryService.bestEffort(() -> scheduler.scheduleLapse(filed.id(), filed.decideBy()),
                        "schedule the lapse of", filed.id());
                return new Outcome.Requested(filed, notice);
            }
        }
        throw new IllegalStateException("could not allocate a request id");
    }

    /**
     * True when {@code actor} may file under {@code rule}: it lists them in {@code requesters:}; or {@code actor} is
     * the workload {@code alias} calling the API itself and the rule names it in {@code principals:} (not by {@code *},
     * which means "any workload the requester owns").
     */
    private boolean mayRequest(ChatUser actor, Policy.Rule rule, String alias) {
        if (membership.isIn(actor, rule.requesters())) {
            return true;
        }
        return actor.platform() == Platform.API && alias != null
                && rule.principals().stream().anyMatch(x -> x.equalsIgnoreCase(alias))
                && Membership.isWorkload(actor, policy.get(), alias);
    }

    /**
     * The caller of {@code /api/v1} with the Entra object id of its token, named as policy knows it: the workload's
     * alias and its owners, so cards and the audit log show whose identity asked.
     */
    public ChatUser workloadCaller(String objectId) {
        Objects.requireNonNull(objectId, "objectId");
        String oid = objectId.strip().toLowerCase(Locale.ROOT);
        String name = policy.get().principal(oid).filter(n -> n.principal().objectId().equals(oid))
                .map(n -> n.alias() + " (owned by " + String.join(", ", n.owners().stream().sorted().toList()) + ")")
                .orElse(oid);
        return new ChatUser(Platform.API, oid, name, null, oid);
    }

    /** The owners of the workload a request grants to (empty for people or a workload policy no longer lists). */
    private static List<String> ownersOf(Policy p, AccessRequest r) {
        if (!r.onBehalf()) {
            return List.of();
        }
        return p.principal(r.principal().objectId()).filter(n -> n.principal().objectId()
                        .equals(r.principal().objectId()))
                .map(n -> n.owners().stream().sorted().toList()).orElse(List.of());
    }

    private boolean approvesAsOwner(ChatUser user, Policy.Rule rule, AccessRequest r) {
        return permissions.approvesAsOwner(user, rule, r);
    }

    private boolean isApprover(ChatUser user, Policy.Rule rule, AccessRequest r) {
        return permissions.isApprover(user, rule, r);
    }

    /**
     * The rule a request is decided under: its own, or for a bundle the strictest of its member rules (empty when
     * the rule, or any member rule, is no longer in the policy).
     */
    private Optional<Policy.Rule> ruleOf(AccessRequest r) {
        return r.isBundle() ? BundleRequests.strictest(policy.get(), r) : policy.get().rule(r.ruleName());
    }

    /** The approver groups a live-identity check must find the approver in now: one list per rule to satisfy. */
    private List<List<String>> approverLists(Policy.Rule rule, AccessRequest r) {
        if (r.isBundle()) {
            return BundleRequests.memberRules(policy.get(), r).map(rules -> rules.stream()
                    .filter(m -> m.approvals() > 0).map(Policy.Rule::approvers).toList())
                    .orElse(List.of(rule.approvers()));
        }
        return List.of(rule.approvers());
    }

    private static Outcome.Refused alreadyOpen(Principal grantee, AccessRequest o) {
        return new Outcome.Refused(Reason.WRONG_STATE, grantee.displayName() + " already has " + o.label() + " as "
                + o.id() + " (" + o.state().label() + (o.expiresAt() != null ? " until "
                + Phrases.time(o.expiresAt()) : "") + "). " + (o.state() == State.ACTIVE
                ? "Ask for more time with `extend " + o.id() + " 30m` instead."
                : "Wait for it to be decided, or `cancel " + o.id() + "` first."));
    }

    private static Outcome.Refused refused(String message, Field field) {
        return new Outcome.Refused(Reason.INVALID_INPUT, message, field);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String withNotice(String text, String notice) {
        return notice == null ? text : text + " " + notice;
    }

    /** "7 days", "36 h": how far ahead a start may lie, as people say it. */
    private static String lead(Duration d) {
        return d.toHours() % 24 == 0 && d.toDays() > 0 && d.toSeconds() % 3600 == 0
                ? d.toDays() + (d.toDays() == 1 ? " day" : " days") : Durations.format(d);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** A deny, revoke or extension reason as it may be stored and shown: without control characters, or null. */
    private static String cleanReason(String reason) {
        return blankToNull(UserText.clean(reason));
    }

    /** The refusal for a reason over {@link UserText#MAX_REASON}, or null. */
    private static Outcome.Refused reasonTooLong(String cleaned) {
        return UserText.tooLong("that reason", cleaned, UserText.MAX_REASON, "Keep it to a sentence or two.")
                .map(m -> new Outcome.Refused(Reason.INVALID_INPUT, m)).orElse(null);
    }

    private static String ticketFor(Policy.Rule rule, String ticket, String justification) {
        if (ticket != null) {
            return rule.ticket().matcher(ticket).matches() ? ticket : null;
        }
        Matcher m = rule.ticket().matcher(justification);
        return m.find() ? m.group() : null;
    }

    static String exampleTicket(Policy.Rule rule) {
        return exampleTicket(rule.ticket());
    }

    /** A ticket id {@code pattern} accepts, e.g. {@code INC-1234} for {@code INC-\d+}, for hints and refusals. */
    public static String exampleTicket(java.util.regex.Pattern pattern) {
        String p = pattern.pattern();
        String guess = p.replace("\\d+", "1234").replace("\\d", "1").replace("[0-9]+", "1234")
                .replace("\\-", "-").replace("^", "").replace("$", "");
        return pattern.matcher(guess).matches() ? guess : "<id matching " + p + ">";
    }

    private static String whereRoleIsGranted(Policy p, RoleRef role) {
        List<String> where = new ArrayList<>();
        for (Policy.Rule r : p.rules()) {
            if (r.role().sameRole(role)) {
                r.scopes().forEach(s -> where.add(p.labelFor(s)));
            }
        }
        return where.isEmpty() ? "" : role.name() + " is granted on: " + String.join(", ", where) + ".";
    }

    // ---------------------------------------------------------------------------------------------- decisions

    /** Counts {@code actor}'s approval; grants once the rule's quorum of distinct approvers is reached. */
    public Outcome approve(ChatUser actor, RequestId id) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = store.find(id);
            if (found.isEmpty()) {
                return unknown(id);
            }
            AccessRequest r = found.get();
            if (r.state() == State.ACTIVE && r.extension() != null) {
                Outcome o = approveExtension(actor, r);
                if (o != null) {
                    return o;
                }
                continue;
            }
            Optional<Policy.Rule> rule = ruleOf(r);
            Outcome.Refused refused = checkApprover(actor, r, rule, "approve");
            if (refused != null) {
                return refused;
            }
            if (r.state() != State.PENDING) {
                return notPending(r, "approve");
            }
            AccessRequest voted = r.withVote(new Vote(actor, Vote.Decision.APPROVE, clock.instant(), null));
            boolean quorum = voted.approvals() >= r.approvalsNeeded();
            // Approved before its start: it waits as scheduled, and is checked again at the start.
            boolean later = quorum && r.startsAfter(clock.instant());
            AccessRequest next = quorum ? voted.to(later ? State.SCHEDULED : State.ACTIVATING) : voted;
            Change.Builder change = Change.of(r, next)
                    .audit(event(actor, "approved", next, "approval " + next.approvals() + " of " + r.approvalsNeeded()
                            + (later ? "; starts at " + StartTime.iso(r.startsAt(), r.startZone()) : "")))
                    .then(notifications.refresh(next));
            if (later) {
                change.then(Work.activate(id).notBefore(r.startsAt()))
                        .then(notifications.tell(next.requester(), next, Phrases.scheduled(next)));
            } else if (quorum) {
                change.then(Work.activate(id));
            } else {
                change.then(notifications.tell(next.requester(), next, Phrases.approvedSoFar(next, actor)));
            }
            if (outbox.commit(change.build()) != Outbox.Commit.DONE) {
                continue;
            }
            if (later) {
                return new Outcome.Scheduled(next);
            }
            if (quorum) {
                // The lapse job is left to fire and find nothing pending: cancelling every job of the request
                // here could race a worker that already scheduled the grant's expiry.
                return new Outcome.Activating(next);
            }
            return new Outcome.Approved(next);
        }
        throw new IllegalStateException("too much contention approving " + id);
    }

    /**
     * Why the scheduled request {@code r} may not start now, or empty when it still may: its rule is still in the
     * policy and grants its role on its scope for its duration, its requester (and workload) is still eligible, its
     * ticket still matches the rule's pattern, and enough of its approvers still count, which they do only while
     * they are still approvers by an answer at most a minute old and their Entra account is live. The sentence
     * finishes "jitbot did not grant it: …". Throws when the directory cannot be asked, so the check is retried.
     */
    public Optional<String> whyNotStartable(AccessRequest r) {
        Policy p = policy.get();
        Optional<Policy.Rule> found = p.rule(r.ruleName());
        if (found.isEmpty()) {
            return Optional.of("the rule \"" + r.ruleName() + "\" it was approved under is no longer in the policy.");
        }
        Policy.Rule rule = found.get();
        if (!rule.covers(r.role(), r.scope())) {
            return Optional.of("rule \"" + rule.name() + "\" no longer grants " + r.label() + ".");
        }
        String alias = null;
        if (r.onBehalf()) {
            Optional<Policy.NonHuman> nonHuman = p.principal(r.principal().objectId())
                    .filter(n -> n.principal().objectId().equals(r.principal().objectId()));
            if (nonHuman.isEmpty()) {
                return Optional.of(r.principal().displayName() + " is no longer under `principals:` in the policy.");
            }
            alias = nonHuman.get().alias();
            if (r.requester().platform() != Platform.API && !nonHuman.get().ownedBy(r.requester())) {
                return Optional.of(r.requester().displayName() + " is no longer an owner of " + alias + ".");
            }
            if (r.requester().platform() != Platform.API && !rule.allowsPrincipal(alias)) {
                return Optional.of("rule \"" + rule.name() + "\" no longer grants to " + alias + ".");
            }
        }
        if (!mayRequest(r.requester(), rule, alias)) {
            return Optional.of(r.requester().displayName() + " is no longer eligible: rule \"" + rule.name()
                    + "\" allows " + String.join(", ", rule.requesters()) + ".");
        }
        if (r.duration().compareTo(rule.maxDuration()) > 0) {
            return Optional.of("rule \"" + rule.name() + "\" now allows at most " + Durations.format(rule.maxDuration())
                    + ", and it asked for " + Durations.format(r.duration()) + ".");
        }
        if (rule.ticket() != null && ticketFor(rule, r.ticket(), r.justification()) == null) {
            return Optional.of("rule \"" + rule.name() + "\" now needs a ticket id matching `" + rule.ticket().pattern()
                    + "`" + (r.ticket() != null ? ", and `" + r.ticket() + "` does not." : ", and it has none."));
        }
        int needed = Math.max(r.approvalsNeeded(), rule.approvals());
        long counted = 0;
        List<String> dropped = new ArrayList<>();
        for (ChatUser voter : r.approvers()) {
            boolean still = !voter.samePerson(r.requester())
                    && (membership.isInNow(voter, rule.approvers(), LIVE_IDENTITY_MAX_AGE)
                    || approvesAsOwner(voter, rule, r))
                    && directory.whyNotLive(voter).isEmpty();
            if (still) {
                counted++;
            } else {
                dropped.add(voter.displayName());
            }
        }
        if (counted < needed) {
            return Optional.of("it needs " + needed + " approval" + (needed == 1 ? "" : "s") + " from "
                    + String.join(", ", rule.approvers()) + " and " + (counted == 0 ? "none" : "only " + counted)
                    + " still count" + (counted == 1 ? "s" : "")
                    + (dropped.isEmpty() ? "." : ": " + String.join(", ", dropped) + (dropped.size() == 1
                    ? " is" : " are") + " no longer an approver of it."));
        }
        return Optional.empty();
    }

    private Outcome approveExtension(ChatUser actor, AccessRequest r) {
        Optional<Policy.Rule> rule = ruleOf(r);
        Outcome.Refused refused = checkApprover(actor, r, rule, "approve");
        if (refused != null) {
            return refused;
        }
        Extension ext = r.extension();
        if (ext.votes().stream().anyMatch(v -> v.voter().samePerson(actor))) {
            return new Outcome.Refused(Reason.ALREADY_VOTED, "You already approved extending " + r.id()
                    + "; it needs " + r.approvalsNeeded() + " distinct approvers.");
        }
        List<Vote> votes = new ArrayList<>(ext.votes());
        votes.add(new Vote(actor, Vote.Decision.APPROVE, clock.instant(), null));
        Extension more = new Extension(ext.by(), ext.justification(), ext.requestedAt(), votes);
        if (more.approvals() >= r.approvalsNeeded()) {
            AccessRequest next = r.to(State.ACTIVE).extendedBy(ext.by());
            return applyExtension(Change.of(r, next).audit(event(actor, "extension-approved", next, "approval "
                    + more.approvals() + " of " + r.approvalsNeeded())), r, next, ext.by(), ext.justification());
        }
        AccessRequest next = r.to(State.ACTIVE).withExtension(more);
        if (outbox.commit(Change.of(r, next)
                .audit(event(actor, "extension-approved", next, "approval " + more.approvals() + " of "
                        + r.approvalsNeeded()))
                .then(notifications.refresh(next)).build()) != Outbox.Commit.DONE) {
            return null;
        }
        return new Outcome.Approved(next);
    }

    /** Ends a pending request (or a pending extension) with {@code actor}'s reason. */
    public Outcome deny(ChatUser actor, RequestId id, String reason) {
        reason = cleanReason(reason);
        Outcome.Refused tooLong = reasonTooLong(reason);
        if (tooLong != null) {
            return tooLong;
        }
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = store.find(id);
            if (found.isEmpty()) {
                return unknown(id);
            }
            AccessRequest r = found.get();
            Optional<Policy.Rule> rule = ruleOf(r);
            Outcome.Refused refused = checkApprover(actor, r, rule, "deny");
            if (refused != null) {
                return refused;
            }
            if (r.state() == State.ACTIVE && r.extension() != null) {
                AccessRequest next = r.to(State.ACTIVE).withExtension(null);
                if (outbox.commit(Change.of(r, next)
                        .audit(event(actor, "extension-denied", next, reason == null ? "" : reason))
                        .then(notifications.refresh(next))
                        .then(notifications.tell(next.requester(), next, "Your extension of " + next.label() + " ("
                                + next.id() + ") was denied by " + actor.displayName()
                                + (reason != null ? ": " + reason : "") + ". It still ends at "
                                + Phrases.time(next.expiresAt()) + "."))
                        .build()) != Outbox.Commit.DONE) {
                    continue;
                }
                return new Outcome.Denied(next);
            }
            if (r.state() != State.PENDING) {
                return notPending(r, "deny");
            }
            AccessRequest next = r.withVote(new Vote(actor, Vote.Decision.DENY, clock.instant(), reason))
                    .to(State.DENIED).withEnd(clock.instant(), null, actor, reason);
            if (outbox.commit(Change.of(r, next)
                    .audit(event(actor, "denied", next, reason == null ? "" : reason))
                    .then(notifications.refresh(next))
                    .then(notifications.tell(next.requester(), next, Phrases.denied(next)))
                    .build()) != Outbox.Commit.DONE) {
                continue;
            }
            ExpiryService.bestEffort(() -> scheduler.cancel(id), "cancel the lapse of", id);
            return new Outcome.Denied(next);
        }
        throw new IllegalStateException("too much contention denying " + id);
    }

    /** Withdraws the requester's own pending request. */
    public Outcome cancel(ChatUser actor, RequestId id) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = visible(actor, id);
            if (found.isEmpty()) {
                return unknown(id);
            }
            AccessRequest r = found.get();
            if (!r.requester().samePerson(actor)) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "Only " + r.requester().displayName()
                        + " can cancel " + id + "; approvers can `deny " + id + " <reason>` instead.");
            }
            if (r.state() != State.PENDING && r.state() != State.SCHEDULED) {
                return new Outcome.Refused(Reason.WRONG_STATE, id + " is " + r.state().label()
                        + ", so there is nothing to cancel" + (r.state() == State.ACTIVE
                        ? "; give the access back with `release " + id + "`." : "."));
            }
            // A scheduled request's activation item, due at the start, finds it cancelled and does nothing.
            AccessRequest next = r.to(State.CANCELLED).withEnd(clock.instant(), null, actor, null);
            if (outbox.commit(Change.of(r, next).audit(event(actor, "cancelled", next, ""))
                    .then(notifications.refresh(next)).build()) != Outbox.Commit.DONE) {
                continue;
            }
            ExpiryService.bestEffort(() -> scheduler.cancel(id), "cancel the lapse of", id);
            return new Outcome.Cancelled(next);
        }
        throw new IllegalStateException("too much contention cancelling " + id);
    }

    private Outcome.Refused checkApprover(ChatUser actor, AccessRequest r, Optional<Policy.Rule> rule, String verb) {
        if (r.isBreakGlass()) {
            return new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is a break-glass grant: it needed no approval, "
                    + "so there is nothing to " + verb + ". Review it with `review " + r.id() + " <note>`, or end it "
                    + "with `revoke " + r.id() + " <reason>`.");
        }
        if (r.requester().samePerson(actor)) {
            return new Outcome.Refused(Reason.SELF_APPROVAL, "You cannot " + verb + " your own request " + r.id()
                    + (rule.isPresent() && !rule.get().approvers().isEmpty()
                    ? "; ask someone in " + String.join(", ", rule.get().approvers()) + "." : ".")
                    + (verb.equals("deny") ? " To withdraw it, `cancel " + r.id() + "`." : ""));
        }
        if (rule.isEmpty()) {
            return new Outcome.Refused(Reason.NOT_ALLOWED, "The rule \"" + r.ruleName() + "\" that " + r.id()
                    + " was filed under is no longer in the policy, so nobody can " + verb + " it; ask again.");
        }
        if (!isApprover(actor, rule.get(), r)) {
            if (!canSee(actor, r)) {
                return unknown(r.id());
            }
            if (r.isBundle()) {
                return new Outcome.Refused(Reason.NOT_APPROVER, "Only someone who may approve every member of "
                        + r.label() + " may " + verb + " it (" + r.id() + "): " + String.join("; ",
                        approverLists(rule.get(), r).stream().map(l -> l.isEmpty() ? "none" : String.join(" or ", l))
                                .toList()) + ".");
            }
            return new Outcome.Refused(Reason.NOT_APPROVER, "Only members of "
                    + (rule.get().approvers().isEmpty() ? "no group (this rule is auto-approved)"
                    : String.join(", ", rule.get().approvers())) + " may " + verb + " " + r.label() + " (" + r.id()
                    + ").");
        }
        Outcome.Refused notLive = checkLiveIdentity(actor, r, rule.get(), verb);
        if (notLive != null) {
            return notLive;
        }
        // An extension is a new decision: approving the original request does not use up a vote on it.
        if (!hasPendingExtension(r) && r.hasVoted(actor)) {
            return new Outcome.Refused(Reason.ALREADY_VOTED, "You already voted on " + r.id() + "; it needs "
                    + r.approvalsNeeded() + " distinct approvers, " + r.approvals() + " so far.");
        }
        return null;
    }

    /**
     * A vote counts only from a live identity: the approver's Entra account exists and is enabled now, and an
     * approver by Entra group is still in it by an answer at most a minute old. A refusal is audited; a directory
     * that cannot be asked refuses too, since a disabled account must never slip through an outage.
     */
    private Outcome.Refused checkLiveIdentity(ChatUser actor, AccessRequest r, Policy.Rule rule, String verb) {
        String why;
        try {
            why = directory.whyNotLive(actor)
                    .or(() -> approverLists(rule, r).stream().allMatch(groups ->
                            membership.isInNow(actor, groups, LIVE_IDENTITY_MAX_AGE))
                            // A workload's owners are listed in policy.yaml, not in an Entra group.
                            || approvesAsOwner(actor, rule, r) ? Optional.empty()
                            : Optional.of("Entra no longer lists you in " + String.join(", ", rule.approvers())))
                    .orElse(null);
        } catch (RuntimeException e) {
            log.warn("could not confirm the Entra account of {} before their {} of {}: {}", actorKey(actor), verb,
                    r.id(), e.toString());
            why = "jitbot could not confirm your Entra account just now; try again in a minute";
        }
        if (why == null) {
            return null;
        }
        outbox.commit(Change.about(r).audit(event(actor, verb + "-refused", r, "identity not live: " + why)).build());
        return new Outcome.Refused(Reason.APPROVER_NOT_LIVE, why + ", so your " + (verb.equals("approve") ? "approval"
                : "denial") + " of " + r.id() + " does not count. Ask another approver, or your Entra admin if "
                + "this is wrong.");
    }

    private static boolean hasPendingExtension(AccessRequest r) {
        return r.state() == State.ACTIVE && r.extension() != null;
    }

    private static boolean hasVotedOnWhatIsPending(AccessRequest r, ChatUser user) {
        return hasPendingExtension(r)
                ? r.extension().votes().stream().anyMatch(v -> v.voter().samePerson(user))
                : r.hasVoted(user);
    }

    private static Outcome.Refused notPending(AccessRequest r, String verb) {
        String where = switch (r.state()) {
            case ACTIVATING, ACTIVE -> "already approved and " + (r.state() == State.ACTIVE ? "active" : "being granted");
            case DENIED -> "already denied";
            case CANCELLED -> "cancelled by its requester";
            case LAPSED -> "lapsed: nobody decided in time";
            case REVOKING, ENDED -> "already over";
            case FAILED -> "failed";
            case PENDING -> "pending";
            case SCHEDULED -> "already approved and waiting for its start at " + Phrases.starts(r);
        };
        return new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is " + where + ", so there is nothing to " + verb
                + ". `show " + r.id() + "` has its history.");
    }

    // ---------------------------------------------------------------------------------------------- endings

    /** Ends a grant now: on-call, the rule's approvers, or the requester may. */
    public Outcome revoke(ChatUser actor, RequestId id, String reason) {
        reason = cleanReason(reason);
        Outcome.Refused tooLong = reasonTooLong(reason);
        if (tooLong != null) {
            return tooLong;
        }
        Optional<AccessRequest> found = store.find(id);
        if (found.isEmpty()) {
            return unknown(id);
        }
        AccessRequest r = found.get();
        Optional<Policy.Rule> rule = ruleOf(r);
        boolean allowed = r.requester().samePerson(actor) || membership.isOncall(actor)
                || (rule.isPresent() && isApprover(actor, rule.get(), r));
        if (!allowed) {
            if (!canSee(actor, r)) {
                return unknown(id);
            }
            return new Outcome.Refused(Reason.NOT_ALLOWED, "Only on-call, the approvers of \"" + r.ruleName()
                    + "\", or " + r.requester().displayName() + " may revoke " + id + ".");
        }
        return end(actor, r, EndReason.REVOKED, reason);
    }

    /** The requester gives their access back early. */
    public Outcome release(ChatUser actor, RequestId id) {
        Optional<AccessRequest> found = visible(actor, id);
        if (found.isEmpty()) {
            return unknown(id);
        }
        AccessRequest r = found.get();
        if (!r.requester().samePerson(actor)) {
            return new Outcome.Refused(Reason.NOT_ALLOWED, "Only " + r.requester().displayName() + " can release "
                    + id + "; on-call can `revoke " + id + " <reason>`.");
        }
        return end(actor, r, EndReason.RELEASED, null);
    }

    private Outcome end(ChatUser actor, AccessRequest r, EndReason reason, String note) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            if (r.state() == State.PENDING || r.state() == State.SCHEDULED) {
                if (reason == EndReason.REVOKED && !r.requester().samePerson(actor) && membership.isOncall(actor)) {
                    // On-call can stop anything at once, including a request no approver has decided yet.
                    AccessRequest stopped = r.to(State.DENIED).withEnd(clock.instant(), null, actor,
                            note == null ? "stopped by on-call" : note);
                    if (outbox.commit(Change.of(r, stopped)
                            .audit(event(actor, "denied", stopped, "by on-call" + (note == null ? "" : ": " + note)))
                            .then(notifications.refresh(stopped))
                            .then(notifications.tell(stopped.requester(), stopped, Phrases.denied(stopped)))
                            .build()) != Outbox.Commit.DONE) {
                        r = store.find(r.id()).orElseThrow();
                        continue;
                    }
                    RequestId id = r.id();
                    ExpiryService.bestEffort(() -> scheduler.cancel(id), "cancel the lapse of", id);
                    return new Outcome.Denied(stopped);
                }
                if (r.state() == State.SCHEDULED) {
                    return new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is approved and starts at "
                            + Phrases.starts(r) + ", so nothing is granted yet; " + (r.requester().samePerson(actor)
                            ? "`cancel " + r.id() + "` withdraws it." : "its requester can `cancel " + r.id()
                            + "`, and on-call can stop it with `revoke " + r.id() + " <reason>`."));
                }
                return new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is still waiting for approval, so nothing "
                        + "is granted yet; " + (r.requester().samePerson(actor) ? "`cancel " + r.id() + "`"
                        : "`deny " + r.id() + " <reason>`") + " withdraws it.");
            }
            if (r.state() != State.ACTIVE && r.state() != State.ACTIVATING) {
                return new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is " + r.state().label()
                        + (r.state() == State.REVOKING ? ": its revocation is already under way." : ", so no access is "
                        + "left to take away."));
            }
            AccessRequest next = r.to(State.REVOKING).withEnd(clock.instant(), reason, actor, note);
            // An activation still queued or in flight runs first (one Azure item per request at a time) and
            // hands over: the revoke then deletes whatever Azure made.
            if (outbox.commit(Change.of(r, next)
                    .audit(event(actor, reason == EndReason.RELEASED ? "released" : "revoke-requested", next,
                            note == null ? "" : note))
                    .then(Work.revoke(r.id()))
                    .then(notifications.refresh(next))
                    .expediteAzureWork()
                    .build()) == Outbox.Commit.DONE) {
                return new Outcome.Revoking(next);
            }
            r = store.find(r.id()).orElseThrow();
        }
        throw new IllegalStateException("too much contention ending " + r.id());
    }

    /** Asks for more time on an active grant; re-approved as the rule says, never past its maximum. */
    public Outcome extend(ChatUser actor, RequestId id, Duration by, String justification) {
        justification = cleanReason(justification);
        Outcome.Refused tooLong = reasonTooLong(justification);
        if (tooLong != null) {
            return tooLong;
        }
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = visible(actor, id);
            if (found.isEmpty()) {
                return unknown(id);
            }
            AccessRequest r = found.get();
            if (!r.requester().samePerson(actor)) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "Only " + r.requester().displayName()
                        + " can extend " + id + ".");
            }
            if (r.isBreakGlass()) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "A break-glass grant cannot be extended; when " + id
                        + " ends, `request` the role the usual way, or break the glass again if it is still an "
                        + "emergency.");
            }
            if (r.state() != State.ACTIVE) {
                return new Outcome.Refused(Reason.WRONG_STATE, id + " is " + r.state().label()
                        + "; only active grants can be extended. Request again instead.");
            }
            if (r.extension() != null) {
                return new Outcome.Refused(Reason.WRONG_STATE, "An extension of " + id + " by "
                        + Durations.format(r.extension().by()) + " is already waiting for approval.");
            }
            Optional<Policy.Rule> rule = ruleOf(r);
            if (rule.isEmpty()) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "The rule \"" + r.ruleName() + "\" is no longer in "
                        + "the policy, so " + id + " cannot be extended.");
            }
            Duration max = rule.get().maxDuration();
            if (r.duration().plus(by).compareTo(max) > 0) {
                Duration room = max.minus(r.duration());
                return new Outcome.Refused(Reason.OVER_MAX_DURATION, r.label() + " may be held for at most "
                        + Durations.format(max) + " in all; " + id + " already has " + Durations.format(r.duration())
                        + (room.isZero() || room.isNegative() ? ", so it cannot be extended. Request again once it ends."
                        : ", so you can extend it by at most " + Durations.format(room) + ": `extend " + id + " "
                        + Durations.compact(room) + "`."));
            }
            if (r.approvalsNeeded() == 0) {
                AccessRequest next = r.to(State.ACTIVE).extendedBy(by);
                Outcome done = applyExtension(Change.of(r, next).audit(event(actor, "extension-requested", next,
                        "by " + Durations.format(by) + "; auto-approved"
                                + (justification != null ? "; because: " + justification : ""))),
                        r, next, by, justification);
                if (done == null) {
                    continue;
                }
                return done;
            }
            AccessRequest next = r.to(State.ACTIVE)
                    .withExtension(new Extension(by, justification, clock.instant(), List.of()));
            if (outbox.commit(Change.of(r, next)
                    .audit(event(actor, "extension-requested", next, "by " + Durations.format(by)
                            + (justification != null ? "; because: " + justification : "")))
                    .then(notifications.refresh(next)).build()) != Outbox.Commit.DONE) {
                continue;
            }
            return new Outcome.ExtensionRequested(next);
        }
        throw new IllegalStateException("too much contention extending " + id);
    }

    /**
     * Writes an approved extension: the new expiry, the "extended" event, and the work to move the end in Azure
     * (PIM ends the assignment itself) and tell people. Null when someone moved the request first.
     */
    private Outcome applyExtension(Change.Builder change, AccessRequest before, AccessRequest extended, Duration by,
                                   String justification) {
        change.audit(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "extended", extended.id(),
                        "by " + Durations.format(by) + " until " + extended.expiresAt()
                                + (justification != null ? "; because: " + justification : "")))
                .then(Work.extend(extended.id()))
                .then(notifications.refresh(extended))
                .then(notifications.tell(extended.requester(), extended, Phrases.extended(extended)))
                .then(notifications.remind(extended, policy.get().remindBefore()));
        if (outbox.commit(change.build()) != Outbox.Commit.DONE) {
            return null;
        }
        ExpiryService.bestEffort(() -> scheduler.scheduleExpiry(extended.id(), extended.expiresAt()),
                "schedule the new expiry of", extended.id());
        return new Outcome.Extended(extended);
    }

    // ---------------------------------------------------------------------------------------------- reading

    /** Active grants and pending requests: the caller's own, or everyone's for on-call. */
    public Outcome list(ChatUser actor, Command.ListRequests.Filter filter) {
        boolean oncall = membership.isOncall(actor);
        boolean everyone = switch (filter) {
            case ALL -> true;
            case MINE -> false;
            case DEFAULT -> oncall;
        };
        if (everyone && !oncall) {
            return new Outcome.Refused(Reason.NOT_ALLOWED, "Only the on-call group ("
                    + policy.get().oncallGroup() + ") can list everyone's grants; `list mine` shows yours.");
        }
        List<AccessRequest> rows = everyone ? store.findByState(OPEN)
                : store.findByRequester(actorKey(actor), 200).stream()
                .filter(r -> OPEN.contains(r.state())).toList();
        return new Outcome.Listing(rows, everyone);
    }

    /** One request with its audit trail, for the requester, its approvers and on-call. */
    public Outcome show(ChatUser actor, RequestId id) {
        Optional<AccessRequest> r = visible(actor, id);
        return r.<Outcome>map(request -> new Outcome.Details(request, audit.forRequest(id))).orElseGet(() -> unknown(id));
    }

    /** The audit trail of a request, of a person (on-call only), or of the caller. */
    public Outcome history(ChatUser actor, String who) {
        if (who != null) {
            Parsed<RequestId> asId = RequestId.parse(who);
            if (asId.isOk() && who.strip().toUpperCase(Locale.ROOT).startsWith("JIT-")) {
                Optional<AccessRequest> r = visible(actor, asId.orThrow());
                return r.isPresent() ? new Outcome.History(asId.orThrow().value(), audit.forRequest(asId.orThrow()))
                        : unknown(asId.orThrow());
            }
            String person = normalisePerson(actor, who);
            boolean self = person.equalsIgnoreCase(actorKey(actor)) || person.equalsIgnoreCase(actor.key());
            if (!self && !membership.isOncall(actor)) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "Only on-call can read someone else's history; "
                        + "`history` shows yours.");
            }
            return new Outcome.History(person, audit.byActor(person, 100));
        }
        if (membership.isOncall(actor)) {
            return new Outcome.History("everyone", audit.recent(50));
        }
        return new Outcome.History(actor.displayName(), audit.byActor(actorKey(actor), 50));
    }

    /** True when {@code user} is in the on-call group (App Home shows them everything open). */
    public boolean isOncall(ChatUser user) {
        return membership.isOncall(user);
    }

    /** What {@code viewer} may do to {@code r} now: every button and hint an adapter draws comes from this. */
    public java.util.Set<Permissions.Action> actionsFor(ChatUser viewer, AccessRequest r) {
        return permissions.actionsFor(viewer, r);
    }

    /** True when {@code user} may approve {@code request} (not the requester, in the rule's approvers). */
    public boolean canApprove(ChatUser user, AccessRequest request) {
        Optional<Policy.Rule> rule = ruleOf(request);
        return rule.isPresent() && !request.requester().samePerson(user)
                && isApprover(user, rule.get(), request);
    }

    /** Requests waiting for a decision that {@code user} may give (for App Home and personal chat). */
    public List<AccessRequest> awaitingDecisionBy(ChatUser user) {
        return store.findByState(EnumSet.of(State.PENDING, State.ACTIVE)).stream()
                .filter(r -> r.state() == State.PENDING || r.extension() != null)
                .filter(r -> !hasVotedOnWhatIsPending(r, user) && canApprove(user, r))
                .toList();
    }

    /** What {@code user} may ask for, per rule: for request forms that offer only eligible choices. */
    public List<Offer> offers(ChatUser user) {
        Policy p = policy.get();
        List<Offer> offers = new ArrayList<>();
        for (Policy.Rule r : p.rules()) {
            if (!membership.isIn(user, r.requesters())) {
                continue;
            }
            List<String> scopes = r.scopes().stream().map(p::labelFor).toList();
            List<String> principals = p.principals().values().stream()
                    .filter(n -> n.ownedBy(user) && r.allowsPrincipal(n.alias())).map(Policy.NonHuman::alias).toList();
            offers.add(new Offer(r.name(), r.role().name(), scopes, r.maxDuration(), r.approvals(),
                    r.ticket() == null ? null : r.ticket().pattern(), principals));
        }
        return offers;
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
        return visible(actor, id);
    }

    private Optional<AccessRequest> visible(ChatUser actor, RequestId id) {
        return store.find(id).filter(r -> canSee(actor, r));
    }

    private boolean canSee(ChatUser actor, AccessRequest r) {
        return permissions.maySee(actor, r);
    }

    private static Outcome.Refused unknown(RequestId id) {
        return new Outcome.Refused(Reason.UNKNOWN_REQUEST, "I know no request " + id + " that you can see. "
                + "`list` shows yours; ids look like `JIT-7K3F`.");
    }

    // ---------------------------------------------------------------------------------------------- audit

    private AuditEvent event(ChatUser actor, String action, AccessRequest r, String details) {
        return AuditEvent.of(clock.instant(), actorKey(actor), actor.platform(), action, r.id(),
                (actor.email() != null && !actorKey(actor).equals(actor.email()) ? actor.email() + "; " : "")
                        + details);
    }

    /** How the audit log names a person: their email when known, else their chat key. */
    public static String actorKey(ChatUser user) {
        return user.email() != null ? user.email() : user.key();
    }

    private static String normalisePerson(ChatUser actor, String who) {
        // A chat mention arrives as the person's key (slack:U…): the adapter turned it into one.
        String w = who.strip();
        if (w.startsWith("@")) {
            w = w.substring(1);
        }
        return w.toLowerCase(Locale.ROOT).contains("@") || w.contains(":") ? w.toLowerCase(Locale.ROOT)
                : actor.platform().key() + ":" + w;
    }
}
