package dev.jitbot.deploy.console;

import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.util.Optional;
import java.util.function.Consumer;

/** The console's chat platform: cards, thread replies and direct messages become lines on the terminal. */
public final class ConsoleNotifier implements ChatNotifier {

    private final Consumer<String> out;
    private final ConsoleText text;
    private final Consumer<AccessRequest> seen;

    /**
     * @param out  where lines go (synchronised by the caller)
     * @param seen told of every request a card shows, so {@code last} can name the newest
     */
    public ConsoleNotifier(Consumer<String> out, ConsoleText text, Consumer<AccessRequest> seen) {
        this.out = out;
        this.text = text;
        this.seen = seen;
    }

    @Override
    public Platform platform() {
        return Platform.CONSOLE;
    }

    @Override
    public Optional<MessageRef> postCard(String channelId, AccessRequest request) {
        seen.accept(request);
        out.accept("[" + channelId + "] new request card:\n" + text.card(request));
        return Optional.of(new MessageRef(Platform.CONSOLE, channelId, request.id().value(), MessageRef.CARD));
    }

    @Override
    public void updateCard(MessageRef card, AccessRequest request) {
        out.accept("[" + card.channel() + "] card updated:\n" + text.card(request));
    }

    @Override
    public void reply(MessageRef message, Text line) {
        out.accept("[" + message.channel() + " › " + message.messageId() + "] " + line.render(Text.PLAIN));
    }

    @Override
    public void directMessage(ChatUser user, Text line) {
        out.accept("[to " + user.displayName() + "] " + line.render(Text.PLAIN));
    }

    @Override
    public void postToChannel(String channelId, Text line) {
        out.accept("[" + channelId + "] " + line.render(Text.PLAIN));
    }
}
