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
