package dev.jitbot.teams;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Text;
import java.util.regex.Pattern;

/**
 * The Teams adapter's segment renderers: the core's {@link Text} as Teams draws it. {@link #MARKDOWN} is for chat
 * messages, whose markdown shows commands and ids as code ({@code `release JIT-7K3F`}); {@link #CARD} is for
 * Adaptive Card text blocks and fact values, which have no inline code (a backtick would show as it is), so there
 * commands and ids are plain words. Both show people by name and warnings with ⚠️ (never Slack's shortcodes).
 *
 * <p>Words can come from a person (a justification, a note, a display name), so neither style lets them form
 * markdown links or images: {@code [Approve](https://evil.example)} on an approver's card would be a disguised
 * link. The pieces that make one ({@code ](}, {@code ][}, {@code ]:}, {@code ![}) get an invisible zero-width
 * space between their characters, so Teams shows them literally; every other character is left as it is.
 */
final class TeamsText implements Text.Style {

    static final TeamsText MARKDOWN = new TeamsText(true);
    static final TeamsText CARD = new TeamsText(false);

    /** Breaks a link's {@code ](}, a reference link's {@code ][} or definition's {@code ]:}, an image's {@code ![}. */
    private static final Pattern LINK = Pattern.compile("(?<=\\])(?=[(\\[:])|(?<=!)(?=\\[)");
    private static final String ZERO_WIDTH_SPACE = "\u200B";

    private final boolean codeMarks;

    private TeamsText(boolean codeMarks) {
        this.codeMarks = codeMarks;
    }

    /** {@code text} for a chat message (Teams markdown, code in backticks). */
    static String markdown(Text text) {
        return text.render(MARKDOWN);
    }

    /** {@code text} for an Adaptive Card text block or fact value (no backticks). */
    static String card(Text text) {
        return text.render(CARD);
    }

    /** {@code text} with markdown link and image syntax broken so it shows literally. */
    static String unlinked(String text) {
        return text == null ? null : LINK.matcher(text).replaceAll(ZERO_WIDTH_SPACE);
    }

    @Override
    public String plain(String text) {
        return unlinked(text);
    }

    @Override
    public String command(String line) {
        return codeMarks ? "`" + line + "`" : unlinked(line);
    }

    @Override
    public String code(String text) {
        return codeMarks ? "`" + text + "`" : unlinked(text);
    }

    @Override
    public String person(ChatUser user) {
        return unlinked(user.displayName());
    }

    @Override
    public String emphasis(String text) {
        return "**" + unlinked(text) + "**";
    }

    @Override
    public String warning(String text) {
        return "⚠️ " + unlinked(text);
    }

    @Override
    public String item() {
        return "\n\n- ";
    }
}
