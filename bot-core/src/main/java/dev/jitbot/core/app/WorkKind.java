package dev.jitbot.core.app;

import java.util.Locale;

/**
 * The follow-up work a transition causes, run by {@link WorkRunner} from the outbox. Azure work and chat work run
 * on separate lanes so a slow chat platform never holds up a revocation; within a lane the lower priority number
 * goes first, so revocations and alerts overtake a burst of grants.
 */
public enum WorkKind {
    REVOKE(Lane.AZURE, 0),
    EXTEND(Lane.AZURE, 1),
    ACTIVATE(Lane.AZURE, 2),
    ALERT(Lane.CHAT, 0),
    POST_CARD(Lane.CHAT, 1),
    UPDATE_CARD(Lane.CHAT, 1),
    DM(Lane.CHAT, 1),
    THREAD_REPLY(Lane.CHAT, 1),
    /** The DM before a grant ends, with buttons to extend or release it; due at expiry minus remind_before. */
    REMIND(Lane.CHAT, 1),
    /** The post in the security channel when a break-glass grant is still unreviewed a day later. */
    REVIEW_REMIND(Lane.CHAT, 1),
    /** A report card for a channel that belongs to no request (the scheduled scan and review); no request id. */
    DIGEST(Lane.CHAT, 2);

    /**
     * Items of one request in the same chain run one at a time, in order: a card is posted before it is updated or
     * replied to, DMs arrive in the order they were written, and Azure sees one call per request at a time.
     */
    public String chain() {
        return switch (this) {
            case REVOKE, EXTEND, ACTIVATE -> "azure";
            case POST_CARD, UPDATE_CARD, THREAD_REPLY -> "card";
            case DM -> "dm";
            case ALERT -> "alert";
            // Its own chain: a reminder waits until shortly before expiry and must not hold up the DMs after it.
            case REMIND -> "remind";
            case REVIEW_REMIND -> "review";
            case DIGEST -> "digest";
        };
    }

    /** Whether the item's text is words for people ({@link Work#message()}): a DM, thread reply or alert. */
    public boolean carriesText() {
        return this == DM || this == THREAD_REPLY || this == ALERT || this == REVIEW_REMIND;
    }

    /** Which worker pool runs the kind. */
    public enum Lane { AZURE, CHAT }

    private final Lane lane;
    private final int priority;

    WorkKind(Lane lane, int priority) {
        this.lane = lane;
        this.priority = priority;
    }

    public Lane lane() {
        return lane;
    }

    public int priority() {
        return priority;
    }

    /** The name shown in metrics and {@code grants show}: {@code post-card}, {@code revoke}, … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
