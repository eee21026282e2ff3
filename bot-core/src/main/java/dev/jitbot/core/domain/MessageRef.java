package dev.jitbot.core.domain;

import java.util.Objects;

/**
 * A chat message jitbot posted about a request, so every later transition can update it in place and reply in
 * its thread. {@code channel} and {@code messageId} are the platform's own ids (Slack channel and ts; Teams
 * conversation id and activity id). {@code kind} says what the message is ({@code card}, {@code dm}).
 */
public record MessageRef(Platform platform, String channel, String messageId, Kind kind) {

    /** What a posted message is: the request's card (redrawn at every transition) or a direct message. */
    public enum Kind {
        CARD, DM;

        /** The name stored with the message ({@code card}, {@code dm}). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind stored as {@code wire}; a row from before kinds existed counts as a card. */
        public static Kind fromWire(String wire) {
            return wire == null || wire.isBlank() ? CARD : valueOf(wire.strip().toUpperCase(java.util.Locale.ROOT));
        }
    }

    public static final Kind CARD = Kind.CARD;
    public static final Kind DM = Kind.DM;

    public MessageRef {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(messageId, "messageId");
        kind = kind == null ? CARD : kind;
    }
}
