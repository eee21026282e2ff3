package dev.jitbot.core.app;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.Text;
import java.time.Instant;
import java.util.Objects;

/**
 * One piece of follow-up work, written in the same transaction as the transition that causes it.
 *
 * @param requestId the request the work is about; null only for a {@code digest}, which belongs to no request
 * @param platform  the chat platform for {@code post-card}, {@code alert}, {@code review-remind} (null for Azure work and for work on
 *                  every card of the request)
 * @param channel   the platform's channel id for {@code post-card} and {@code alert}
 * @param user      who a {@code dm} goes to
 * @param text      what a {@code dm}, {@code thread-reply}, {@code alert} or {@code review-remind} says, as
 *                  {@link StoredText} (read it with {@link #message()}; cards are drawn at delivery); for
 *                  {@code digest}, the {@link Digest} as JSON; for
 *                  {@code remind}, the expiry it warns of (ISO-8601), so a grant ended or moved since is not reminded
 * @param notBefore when it may run first; null means at once
 */
public record Work(WorkKind kind, RequestId requestId, Platform platform, String channel, ChatUser user,
                   String text, Instant notBefore) {

    public Work {
        Objects.requireNonNull(kind, "kind");
        if (kind == WorkKind.DIGEST) {
            if (requestId != null) {
                throw new IllegalArgumentException("a digest belongs to no request, was given " + requestId);
            }
        } else {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** A report card ({@code text} is {@link Digest#toJson()}) for one channel of one platform, about no request. */
    public static Work digest(Platform platform, String channel, Digest digest) {
        return new Work(WorkKind.DIGEST, null, Objects.requireNonNull(platform, "platform"),
                Objects.requireNonNull(channel, "channel"), null, Objects.requireNonNull(digest, "digest").toJson(), null);
    }

    public static Work activate(RequestId id) {
        return new Work(WorkKind.ACTIVATE, id, null, null, null, null, null);
    }

    public static Work revoke(RequestId id) {
        return new Work(WorkKind.REVOKE, id, null, null, null, null, null);
    }

    public static Work extend(RequestId id) {
        return new Work(WorkKind.EXTEND, id, null, null, null, null, null);
    }

    public static Work postCard(RequestId id, Platform platform, String channel) {
        return new Work(WorkKind.POST_CARD, id, Objects.requireNonNull(platform, "platform"),
                Objects.requireNonNull(channel, "channel"), null, null, null);
    }

    public static Work updateCards(RequestId id) {
        return new Work(WorkKind.UPDATE_CARD, id, null, null, null, null, null);
    }

    public static Work dm(RequestId id, ChatUser user, Text text) {
        return new Work(WorkKind.DM, id, Objects.requireNonNull(user, "user").platform(), null, user, stored(text),
                null);
    }

    /** A reminder to {@code user} that the grant ends at {@code expiresAt}, not sent before {@code at}. */
    public static Work remind(RequestId id, ChatUser user, Instant expiresAt, Instant at) {
        return new Work(WorkKind.REMIND, id, Objects.requireNonNull(user, "user").platform(), null, user,
                Objects.requireNonNull(expiresAt, "expiresAt").toString(), Objects.requireNonNull(at, "at"));
    }

    public static Work replyOnCards(RequestId id, Text text) {
        return new Work(WorkKind.THREAD_REPLY, id, null, null, null, stored(text), null);
    }

    public static Work alert(RequestId id, Platform platform, String channel, Text text) {
        return new Work(WorkKind.ALERT, id, Objects.requireNonNull(platform, "platform"),
                Objects.requireNonNull(channel, "channel"), null, stored(text), null);
    }

    /**
     * A post to {@code channel} at {@code at} saying {@code text}, sent only if the break-glass grant is still
     * unreviewed then.
     */
    public static Work reviewReminder(RequestId id, Platform platform, String channel, Text text, Instant at) {
        return new Work(WorkKind.REVIEW_REMIND, id, Objects.requireNonNull(platform, "platform"),
                Objects.requireNonNull(channel, "channel"), null, stored(text), Objects.requireNonNull(at, "at"));
    }

    /** What a {@code dm}, {@code thread-reply}, {@code alert} or {@code review-remind} says, segments and all. */
    public Text message() {
        return StoredText.read(text);
    }

    private static String stored(Text text) {
        return StoredText.write(Objects.requireNonNull(text, "text"));
    }

    /** The same work, not to run before {@code at}. */
    public Work notBefore(Instant at) {
        return new Work(kind, requestId, platform, channel, user, text, at);
    }
}
