package dev.jitbot.core.testing;

import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A chat platform that keeps what it was asked to show. */
public final class RecordingNotifier implements ChatNotifier {

    /** A card as last drawn. */
    public record Card(MessageRef ref, RequestId id, State state) { }

    /**
     * Something said in a thread, a DM, or a channel: {@code text} as the console draws it (people by name, commands
     * in backticks), {@code message} the core's words with their segments.
     */
    public record Said(String where, String text, Text message) {
        Said(String where, Text message) {
            this(where, message.toString(), message);
        }
    }

    private final Platform platform;
    private final AtomicInteger seq = new AtomicInteger();
    public final List<Card> cards = new CopyOnWriteArrayList<>();
    public final List<Card> updates = new CopyOnWriteArrayList<>();
    public final List<Said> said = new CopyOnWriteArrayList<>();

    public RecordingNotifier(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Platform platform() {
        return platform;
    }

    @Override
    public Optional<MessageRef> postCard(String channelId, AccessRequest request) {
        MessageRef ref = new MessageRef(platform, channelId, "m" + seq.incrementAndGet(), MessageRef.CARD);
        cards.add(new Card(ref, request.id(), request.state()));
        return Optional.of(ref);
    }

    @Override
    public void updateCard(MessageRef card, AccessRequest request) {
        updates.add(new Card(card, request.id(), request.state()));
    }

    @Override
    public void reply(MessageRef message, Text text) {
        said.add(new Said("thread:" + message.messageId(), text));
    }

    @Override
    public void directMessage(ChatUser user, Text text) {
        said.add(new Said("dm:" + user.id(), text));
    }

    /** Recorded as said to {@code remind:<user id>}, with the request id and expiry it was about. */
    @Override
    public void remind(ChatUser user, AccessRequest request, Text text) {
        said.add(new Said("remind:" + user.id(), text));
    }

    @Override
    public void postToChannel(String channelId, Text text) {
        said.add(new Said("channel:" + channelId, text));
    }

    /** Texts said to {@code where} ({@code dm:<user id>}, {@code thread:<message id>}, {@code channel:<id>}). */
    public List<String> to(String where) {
        return said.stream().filter(s -> s.where().equals(where)).map(Said::text).toList();
    }

    /** The core's words said to {@code where}, segments and all. */
    public List<Text> messagesTo(String where) {
        return said.stream().filter(s -> s.where().equals(where)).map(Said::message).toList();
    }

    /** The state the last update of {@code id}'s cards showed, or null. */
    public State lastShown(RequestId id) {
        State s = null;
        for (Card c : updates) {
            if (c.id().equals(id)) {
                s = c.state();
            }
        }
        return s;
    }
}
