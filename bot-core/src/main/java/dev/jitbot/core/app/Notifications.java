package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Text;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The core's news for the chat platforms that are switched on. A transition asks it for the chat {@link Work} it
 * causes (written to the outbox with the transition); the outbox's workers hand each item back here to deliver.
 * Cards are drawn from the request as it is at delivery, so a card that waited shows the present, not the past.
 */
public final class Notifications {

    private final Map<Platform, ChatNotifier> notifiers = new EnumMap<>(Platform.class);
    private final RequestStore store;

    public Notifications(RequestStore store, Collection<? extends ChatNotifier> notifiers) {
        this.store = store;
        notifiers.forEach(this::register);
    }

    /** Adds a platform after construction (adapters are built after the core they talk to). */
    public synchronized void register(ChatNotifier notifier) {
        notifiers.put(notifier.platform(), notifier);
    }

    private synchronized Optional<ChatNotifier> notifier(Platform p) {
        return Optional.ofNullable(p == null ? null : notifiers.get(p));
    }

    // ------------------------------------------------------------------------------------------ what to send

    /** Whether the platform is switched on here. */
    public boolean isOn(Platform platform) {
        return notifier(platform).isPresent();
    }

    /** A card for each of the rule's channels on each platform that has an id for it. */
    public List<Work> announce(AccessRequest r, List<Policy.Channel> channels) {
        List<Work> out = new ArrayList<>();
        for (Policy.Channel channel : channels) {
            channel.ids().forEach((platform, channelId) -> {
                if (notifier(platform).isPresent()) {
                    out.add(Work.postCard(r.id(), platform, channelId));
                }
            });
        }
        return out;
    }

    /** A redraw of every card posted for the request. */
    public List<Work> refresh(AccessRequest r) {
        return List.of(Work.updateCards(r.id()));
    }

    /** A reply in the thread of every card of the request. */
    public List<Work> replyOnCards(AccessRequest r, Text text) {
        return List.of(Work.replyOnCards(r.id(), text));
    }

    /** A direct message to the person, on the platform they asked from. */
    public List<Work> tell(ChatUser user, AccessRequest r, Text text) {
        return notifier(user.platform()).isPresent() ? List.of(Work.dm(r.id(), user, text)) : List.of();
    }

    /**
     * The reminder {@code before} the active grant ends, to its requester: none when reminders are off, when the
     * requester's platform is not on, or when the grant is not longer than the warning.
     */
    public List<Work> remind(AccessRequest active, java.time.Duration before) {
        if (before == null || before.isZero() || before.isNegative() || active.expiresAt() == null
                || notifier(active.requester().platform()).isEmpty()) {
            return List.of();
        }
        java.time.Instant at = active.expiresAt().minus(before);
        if (active.activatedAt() != null && !at.isAfter(active.activatedAt())) {
            return List.of();
        }
        return List.of(Work.remind(active.id(), active.requester(), active.expiresAt(), at));
    }

    /** Whether a reminder is still about the grant as it is now: active, ending when the reminder said. */
    static boolean stillDue(Work reminder, AccessRequest current) {
        return current.state() == dev.jitbot.core.domain.State.ACTIVE && current.expiresAt() != null
                && current.expiresAt().toString().equals(reminder.text());
    }

    /**
     * A direct message to each owner of a workload, as policy names them: a chat key ({@code slack:U024BE7LH},
     * {@code teams:<aadObjectId>}) on that platform; an email on Slack, which finds the person by their email.
     */
    public List<Work> tellOwners(Collection<String> owners, AccessRequest r, Text text) {
        List<Work> out = new ArrayList<>();
        for (String owner : owners) {
            String o = owner.strip();
            int colon = o.indexOf(':');
            if (o.contains("@")) {
                if (notifier(Platform.SLACK).isPresent()) {
                    out.add(Work.dm(r.id(), new ChatUser(Platform.SLACK, o, o, o), text));
                }
            } else if (colon > 0) {
                for (Platform p : List.of(Platform.SLACK, Platform.TEAMS)) {
                    if (o.substring(0, colon).equalsIgnoreCase(p.key()) && notifier(p).isPresent()) {
                        out.add(Work.dm(r.id(), new ChatUser(p, o.substring(colon + 1), o, null,
                                p == Platform.TEAMS ? o.substring(colon + 1) : null), text));
                    }
                }
            }
        }
        return out;
    }

    /** An alert in every channel of the policy on every platform. */
    public List<Work> alert(Collection<Policy.Channel> channels, AccessRequest r, Text text) {
        List<Work> out = new ArrayList<>();
        for (Policy.Channel channel : channels) {
            channel.ids().forEach((platform, channelId) -> {
                if (notifier(platform).isPresent()) {
                    out.add(Work.alert(r.id(), platform, channelId, text));
                }
            });
        }
        return out;
    }

    /** A report card in the channel on every platform that is on and has an id for it. */
    public List<Work> digest(Policy.Channel channel, Digest digest) {
        List<Work> out = new ArrayList<>();
        channel.ids().forEach((platform, channelId) -> {
            if (notifier(platform).isPresent()) {
                out.add(Work.digest(platform, channelId, digest));
            }
        });
        return out;
    }

    // ------------------------------------------------------------------------------------------ delivery

    /** Delivers a {@code digest}, which belongs to no request. */
    void deliverDigest(Work w) {
        Digest d = Digest.fromJson(w.text());
        notifier(w.platform()).ifPresent(n -> n.postDigest(w.channel(), d));
    }

    /**
     * Delivers one chat item for {@code current} (the request as stored now).
     *
     * @return where a posted card went, for {@code post-card}
     * @throws ChatDeliveryException (or any runtime exception) when the platform did not take it; the outbox retries
     */
    Optional<MessageRef> deliver(Work w, AccessRequest current) {
        switch (w.kind()) {
            case POST_CARD -> {
                Optional<ChatNotifier> n = notifier(w.platform());
                return n.isEmpty() ? Optional.empty() : n.get().postCard(w.channel(), current);
            }
            case UPDATE_CARD -> {
                // Each card on its own: one archived channel must not keep the others from being redrawn. A redraw
                // is idempotent, so a retry may draw the cards that did take it again.
                RuntimeException retry = null;
                for (MessageRef ref : cards(current)) {
                    try {
                        notifier(ref.platform()).ifPresent(n -> n.updateCard(ref, current));
                    } catch (ChatDeliveryException e) {
                        if (!e.permanent() && retry == null) {
                            retry = e;
                        }
                    } catch (RuntimeException e) {
                        retry = retry == null ? e : retry;
                    }
                }
                if (retry != null) {
                    throw retry;
                }
            }
            case THREAD_REPLY -> {
                // One card each (see repliesPerCard): a reply that went out is not posted again on a retry.
                for (MessageRef ref : cards(current)) {
                    if (w.platform() == null || (ref.platform() == w.platform() && ref.channel().equals(w.channel()))) {
                        notifier(ref.platform()).ifPresent(n -> n.reply(ref, w.message()));
                    }
                }
            }
            case DM -> notifier(w.user().platform()).ifPresent(n -> n.directMessage(w.user(), w.message()));
            case ALERT -> notifier(w.platform()).ifPresent(n -> n.postToChannel(w.channel(), w.message()));
            case REVIEW_REMIND -> {
                if (current.isBreakGlass() && !current.breakGlass().reviewed()) {
                    notifier(w.platform()).ifPresent(n -> n.alertEveryone(w.channel(), w.message()));
                }
            }
            case REMIND -> {
                if (stillDue(w, current)) {
                    notifier(w.user().platform()).ifPresent(n -> n.remind(w.user(), current, Phrases.reminder(current)));
                }
            }
            default -> throw new IllegalArgumentException(w.kind() + " is not chat work");
        }
        return Optional.empty();
    }

    /**
     * A reply for every card as one item per card, when there is more than one card: each is then delivered and
     * retried on its own. Empty when the item can go as it is.
     */
    List<Work> repliesPerCard(Work w, AccessRequest current) {
        List<MessageRef> cards = cards(current);
        if (w.platform() != null || cards.size() <= 1) {
            return List.of();
        }
        return cards.stream().map(ref -> new Work(WorkKind.THREAD_REPLY, w.requestId(), ref.platform(),
                ref.channel(), null, w.text(), null)).toList();
    }

    private List<MessageRef> cards(AccessRequest r) {
        return store.messages(r.id()).stream().filter(ref -> MessageRef.CARD.equals(ref.kind())).toList();
    }
}
