package dev.jitbot.core.domain;

import java.util.Objects;

/**
 * A chat message jitbot posted about a request, so every later transition can update it in place and reply in
 * its thread. {@code channel} and {@code messageId} are the platform's own ids (Slack channel and ts; Teams
 * conversation id and activity id). {@code kind} says what the message is ({@code card}, {@code dm}).
 */
public record MessageRef(Platform platform, String channel, String messageId, String kind) {

    public static final String CARD = "card";
    public static final String DM = "dm";

    public MessageRef {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(messageId, "messageId");
        kind = kind == null ? CARD : kind;
    }
}
