package dev.jitbot.core.domain;

import java.time.Duration;
import java.util.Objects;

/** What a person asked jitbot to do, already parsed; the same for Slack, Teams, the console and the CLI. */
public sealed interface Command {

    /**
     * Ask for {@code role} on {@code scope} (an ARM id or a policy alias) for {@code duration}.
     * {@code ticket}, {@code principal} (a non-human identity to grant instead of the requester) and {@code start}
     * (when a scheduled request should start; null for "as soon as approved") may be null.
     */
    record Request(String role, String scope, Duration duration, String justification, String ticket,
                   String principal, StartTime start) implements Command {
        public Request {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(justification, "justification");
        }

        /** A request for as soon as it is approved. */
        public Request(String role, String scope, Duration duration, String justification, String ticket,
                       String principal) {
            this(role, scope, duration, justification, ticket, principal, null);
        }
    }

    /**
     * Break the glass: {@code role} on {@code scope} at once, without approval, announced in the security channel and
     * reviewed afterwards. {@code duration} null means the policy's {@code break_glass.for}.
     */
    record BreakGlass(String role, String scope, Duration duration, String reason) implements Command {
        public BreakGlass {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Review a break-glass grant someone else made, with a note on what was checked. */
    record Review(RequestId id, String note) implements Command { }

    /**
     * Ask for every (role, scope) pair of the policy bundle {@code bundle} for {@code duration}, as one request.
     * {@code ticket} may be null.
     */
    record RequestBundle(String bundle, Duration duration, String justification, String ticket) implements Command {
        public RequestBundle {
            Objects.requireNonNull(bundle, "bundle");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(justification, "justification");
        }
    }

    /** Active grants and pending requests: the caller's own, everyone's, or the default for who is asking. */
    record ListRequests(Filter filter) implements Command {
        public enum Filter { DEFAULT, MINE, ALL }
    }

    record Show(RequestId id) implements Command { }

    record Approve(RequestId id) implements Command { }

    record Deny(RequestId id, String reason) implements Command { }

    record Cancel(RequestId id) implements Command { }

    record Revoke(RequestId id, String reason) implements Command { }

    record Release(RequestId id) implements Command { }

    record Extend(RequestId id, Duration by, String justification) implements Command { }

    /** The audit trail: of one request, of one person ({@code who}, a mention, email or id), or recent events. */
    record History(String who) implements Command { }

    record Help(String topic) implements Command { }
}
