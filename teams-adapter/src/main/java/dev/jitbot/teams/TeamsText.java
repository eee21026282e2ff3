package dev.jitbot.teams;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Text;

/**
 * The Teams adapter's one segment renderer: the core's {@link Text} as the markdown Teams messages and Adaptive
 * Card text blocks read. Commands are typed as they are ({@code release JIT-7K3F}), people by name, warnings with
 * ⚠️ (never Slack's shortcodes).
 */
final class TeamsText implements Text.Style {

    static final TeamsText MARKDOWN = new TeamsText();

    private TeamsText() {
    }

    static String markdown(Text text) {
        return text.render(MARKDOWN);
    }

    @Override
    public String plain(String text) {
        return text;
    }

    @Override
    public String command(String line) {
        return "`" + line + "`";
    }

    @Override
    public String code(String text) {
        return "`" + text + "`";
    }

    @Override
    public String person(ChatUser user) {
        return user.displayName();
    }

    @Override
    public String emphasis(String text) {
        return "**" + text + "**";
    }

    @Override
    public String warning(String text) {
        return "⚠️ " + text;
    }

    @Override
    public String item() {
        return "\n\n- ";
    }
}
