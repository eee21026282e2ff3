package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the core's news out to every chat platform that is switched on, and remembers each card it posted so a
 * later transition updates them all. A failed delivery is logged, never thrown: chat trouble must not undo a
 * grant or a revocation.
 */
public final class Notifications {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

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
        return Optional.ofNullable(notifiers.get(p));
    }

    /** Posts the request card to each of the rule's channels on each platform that has an id for it. */
    public void announce(AccessRequest r, List<Policy.Channel> channels) {
        for (Policy.Channel channel : channels) {
            channel.ids().forEach((platform, channelId) -> notifier(platform).ifPresent(n -> safely("post card", r, () ->
                    n.postCard(channelId, r).ifPresent(ref -> store.addMessage(r.id(), ref)))));
        }
    }

    /** Redraws every card posted for the request. */
    public void refresh(AccessRequest r) {
        forEachCard(r, "update card", (n, ref) -> n.updateCard(ref, r));
    }

    /** Replies in the thread of every card of the request. */
    public void replyOnCards(AccessRequest r, String text) {
        forEachCard(r, "reply", (n, ref) -> n.reply(ref, text));
    }

    private void forEachCard(AccessRequest r, String what, java.util.function.BiConsumer<ChatNotifier, MessageRef> act) {
        List<MessageRef> refs;
        try {
            refs = store.messages(r.id());
        } catch (RuntimeException e) {
            // The transition is saved already; a store blip here costs a redraw, not the transition.
            log.warn("could not read the cards of {} to {}: {}", r.id(), what, e.toString());
            return;
        }
        for (MessageRef ref : refs) {
            if (MessageRef.CARD.equals(ref.kind())) {
                notifier(ref.platform()).ifPresent(n -> safely(what, r, () -> act.accept(n, ref)));
            }
        }
    }

    /** Tells the requester, on the platform they asked from. */
    public void tell(ChatUser user, AccessRequest r, String text) {
        notifier(user.platform()).ifPresent(n -> safely("direct message", r, () -> n.directMessage(user, text)));
    }

    /** Posts an alert to every channel of the policy on every platform. */
    public void alert(Collection<Policy.Channel> channels, AccessRequest r, String text) {
        for (Policy.Channel channel : channels) {
            channel.ids().forEach((platform, channelId) -> notifier(platform)
                    .ifPresent(n -> safely("alert", r, () -> n.postToChannel(channelId, text))));
        }
    }

    private static void safely(String what, AccessRequest r, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("could not {} for {}: {}", what, r.id(), e.toString());
        }
    }
}
