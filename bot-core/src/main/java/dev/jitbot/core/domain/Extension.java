package dev.jitbot.core.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A pending request to lengthen an active grant by {@code by}, with the approvals it has gathered. */
public record Extension(Duration by, String justification, Instant requestedAt, List<Vote> votes) {

    public Extension {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(requestedAt, "requestedAt");
        votes = List.copyOf(votes);
    }

    public long approvals() {
        return votes.stream().filter(v -> v.decision() == Vote.Decision.APPROVE).count();
    }
}
