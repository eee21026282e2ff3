package dev.jitbot.slack;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;

/**
 * The Slack adapter's one segment renderer: the core's {@link Text} as mrkdwn, where people's words are escaped,
 * commands are typed as {@code /jit …}, Slack users are mentioned ({@code <@U0BOB>}), others named, and each tone
 * has its emoji; or as plain text where Slack does not read mrkdwn (a modal field's error): no marks or escapes.
 */
final class SlackText implements Text.Style {

    static final SlackText MRKDWN = new SlackText(true);
    static final SlackText PLAIN = new SlackText(false);

    private final boolean mrkdwn;

    private SlackText(boolean mrkdwn) {
        this.mrkdwn = mrkdwn;
    }

    static String mrkdwn(Text text) {
        return text.render(MRKDWN);
    }

    @Override
    public String plain(String text) {
        return mrkdwn ? Cards.esc(text) : text;
    }

    @Override
    public String command(String line) {
        return mrkdwn ? "`/jit " + Cards.esc(line) + "`" : "/jit " + line;
    }

    @Override
    public String code(String text) {
        return mrkdwn ? "`" + Cards.esc(text) + "`" : text;
    }

    @Override
    public String person(ChatUser user) {
        boolean mention = mrkdwn && user.platform() == Platform.SLACK && user.id().matches("[UW][A-Z0-9]+");
        return mention ? "<@" + user.id() + ">" : mrkdwn ? Cards.esc(user.displayName()) : user.displayName();
    }

    @Override
    public String emphasis(String text) {
        return mrkdwn ? "*" + Cards.esc(text) + "*" : text;
    }

    @Override
    public String warning(String text) {
        return mrkdwn ? ":warning: " + Cards.esc(text) : "⚠ " + text;
    }

    @Override
    public String item() {
        return "\n• ";
    }

    @Override
    public String tone(Text.Tone tone) {
        return !mrkdwn ? "" : switch (tone) {
            case NONE -> "";
            case WAITING -> ":inbox_tray: ";
            case COUNTED -> ":ballot_box_with_check: ";
            case DONE -> ":white_check_mark: ";
            case SCHEDULED -> ":calendar: ";
            case ENDED -> ":checkered_flag: ";
            case DENIED -> ":no_entry: ";
            case FAILED -> ":x: ";
            case REFUSED -> ":no_entry_sign: ";
            case ALARM -> ":rotating_light: ";
            case PROGRESS -> ":hourglass: ";
        };
    }
}
