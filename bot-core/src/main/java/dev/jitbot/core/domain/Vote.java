package dev.jitbot.core.domain;

import java.time.Instant;
import java.util.Objects;

/** One approver's decision on a request (or on an extension of it), with when and why. */
public record Vote(ChatUser voter, Decision decision, Instant at, String reason) {

    /** What an approver decided. */
    public enum Decision { APPROVE, DENY }

    public Vote {
        Objects.requireNonNull(voter, "voter");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(at, "at");
        reason = reason == null || reason.isBlank() ? null : reason.strip();
    }
}
