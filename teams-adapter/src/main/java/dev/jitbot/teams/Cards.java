package dev.jitbot.teams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.bot.schema.Attachment;
import dev.jitbot.core.app.RequestView;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.app.Permissions.Action;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Draws a request as an Adaptive Card 1.5 with Universal Actions ({@code Action.Execute}): the card everyone in
 * the channel sees (status only), and the card each approver gets on refresh (with the buttons they may use).
 */
final class Cards {

    static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    static final String VERB_APPROVE = "approve";
    static final String VERB_DENY = "deny";
    static final String VERB_REVOKE = "revoke";
    static final String VERB_REFRESH = "refresh";
    static final String VERB_EXTEND = "extend";
    static final String VERB_RELEASE = "release";
    static final String VERB_CANCEL = "cancel";
    /** Review a break-glass grant, with the note typed into the card. */
    static final String VERB_REVIEW = "review";
    /** Teams refreshes a card automatically for at most this many users. */
    static final int MAX_REFRESH_USERS = 60;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Cards() {
    }

    /** The buttons a viewer gets (the core's actions for them), and an optional line on top (a confirmation or a refusal). */
    record View(Set<Action> actions, String notice, boolean problem) {
        static final View STATUS = new View(Set.of(), null, false);
    }

    /** The request card; {@code refreshUserIds} are the Teams ids that get a personal version on refresh. */
    static ObjectNode request(AccessRequest r, List<String> refreshUserIds, View view, Instant now) {
        return request(r, refreshUserIds, view, now, null);
    }

    /** As above, with the core's blast radius of the request under the facts (null: none). */
    static ObjectNode request(AccessRequest r, List<String> refreshUserIds, View view, Instant now, BlastRadius blast) {
        ObjectNode card = F.objectNode();
        card.put("type", "AdaptiveCard");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("version", "1.5");
        if (!refreshUserIds.isEmpty() && !r.state().isFinal()) {
            ObjectNode refresh = card.putObject("refresh");
            refresh.set("action", execute(VERB_REFRESH, "Refresh", r, null));
            ArrayNode ids = refresh.putArray("userIds");
            refreshUserIds.stream().limit(MAX_REFRESH_USERS).forEach(ids::add);
        }
        ArrayNode body = card.putArray("body");
        if (view.notice() != null) {
            ObjectNode notice = text(TeamsText.unlinked(view.notice()), false);
            notice.put("color", view.problem() ? "Attention" : "Good");
            notice.put("weight", "Bolder");
            body.add(notice);
        }
        if (r.isBreakGlass()) {
            ObjectNode alarm = text(TeamsText.unlinked("Break-glass: " + r.requester().displayName() + " granted "
                    + r.label() + " to " + r.principal().displayName() + " without approval."), false);
            alarm.put("color", "Attention");
            alarm.put("weight", "Bolder");
            body.add(alarm);
        }
        RequestView v = RequestView.of(r, view.actions(), blast, List.of(), now);
        ObjectNode title = text(md(v.headline()).replace("**", ""), false);
        title.put("size", "Medium");
        title.put("weight", "Bolder");
        body.add(title);
        ObjectNode status = text(md(v.status()), false);
        status.put("color", statusColor(r.state()));
        status.put("isSubtle", false);
        body.add(status);
        ObjectNode facts = F.objectNode().put("type", "FactSet");
        ArrayNode list = facts.putArray("facts");
        list.add(fact("Request", r.id().value()));
        for (RequestView.Fact f : v.facts()) {
            if (f.kind() != RequestView.Kind.BLAST_RADIUS && f.kind() != RequestView.Kind.WARNING) {
                list.add(fact(f.label(), md(f.value())));
            }
        }
        list.add(fact("Approvals", md(v.approvals().text())));
        body.add(facts);
        for (RequestView.Fact f : v.facts()) {
            if (f.kind() == RequestView.Kind.BLAST_RADIUS) {
                body.add(text(f.label() + ": " + coreWords(f.value()), false)
                        .put("color", f.alarm() ? "Attention" : "Default"));
            } else if (f.kind() == RequestView.Kind.WARNING) {
                body.add(text(coreWords(f.value()), true).put("color", "Warning"));
            }
        }
        Text hint = v.deciderHint();
        if (hint != null) {
            body.add(text(md(hint), true));
        }
        ArrayNode actions = F.arrayNode();
        v.actions().forEach(a -> actions.add(button(r, a)));
        if (!actions.isEmpty()) {
            card.set("actions", actions);
        }
        return card;
    }

    /** The reminder before a grant ends: its sentence and the Extend 30m and Release now buttons. */
    static ObjectNode reminder(AccessRequest r, String text) {
        ObjectNode card = F.objectNode();
        card.put("type", "AdaptiveCard");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("version", "1.5");
        card.putArray("body").add(text(md(Text.parse(text)), false));
        card.putArray("actions").add(button(r, Action.EXTEND)).add(button(r, Action.RELEASE));
        return card;
    }

    /** A report card (the scheduled scan's digest, the eligibility review): title, counts as facts, lines, footer. */
    static ObjectNode digest(dev.jitbot.core.app.Digest d) {
        ObjectNode card = F.objectNode();
        card.put("type", "AdaptiveCard");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("version", "1.5");
        ArrayNode body = card.putArray("body");
        body.add(text(md(Text.parse(d.title())), false).put("weight", "Bolder").put("size", "Medium"));
        if (!d.facts().isEmpty()) {
            ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
            d.facts().forEach(f -> facts.add(fact(TeamsText.unlinked(f.label()), md(Text.parse(f.value())))));
        }
        d.items().forEach(i -> body.add(text("• " + md(Text.parse(i)), false)));
        if (!d.footer().isEmpty()) {
            body.add(text(md(Text.parse(d.footer())), true));
        }
        return card;
    }

    static Attachment attachment(ObjectNode card) {
        Attachment a = new Attachment();
        a.setContentType(CONTENT_TYPE);
        a.setContent(card);
        return a;
    }

    /** Where the request stands (the core's status), as a card shows it. */
    static String status(AccessRequest r, Instant now) {
        return md(RequestView.status(r, now));
    }

    /** {@code t} as a card's text block or fact value reads it: no backticks, no links from anyone's words. */
    private static String md(Text t) {
        return TeamsText.card(t);
    }

    /**
     * A blast radius line or warning as a card shows it. The core writes their Azure actions in backticks inside
     * the words ({@code all actions (`*`)}), which a card would show as they are, so the marks are read back as
     * code first ({@link Text#parse}). Only for the core's own words: a person's are never re-read.
     */
    private static String coreWords(Text t) {
        StringBuilder out = new StringBuilder();
        for (Text.Segment s : t.segments()) {
            if (s instanceof Text.Plain p) {
                out.append(md(Text.parse(p.text())));
            } else if (s instanceof Text.Warning w) {
                out.append(TeamsText.CARD.warning("")).append(md(Text.parse(w.text())));
            } else {
                out.append(md(new Text(Text.Tone.NONE, List.of(s))));
            }
        }
        return out.toString();
    }

    private static String statusColor(State s) {
        return switch (s) {
            case ACTIVE -> "Good";
            case PENDING, SCHEDULED, ACTIVATING, REVOKING -> "Warning";
            case FAILED, DENIED -> "Attention";
            default -> "Default";
        };
    }

    /**
     * The button for {@code a} on {@code r}, as the core labels it ({@code Action.Execute} with its verb); one that
     * asks for words first (a denial's reason, a review's note) opens a small card for them ({@code Action.ShowCard}).
     */
    private static ObjectNode button(AccessRequest r, Action a) {
        String style = switch (a.look()) {
            case PRIMARY -> "positive";
            case DANGER -> "destructive";
            case PLAIN -> null;
        };
        return switch (a.input()) {
            case NONE -> execute(a.verb(), a.label(), r, style);
            case REASON -> form(execute(a.verb(), a.label(), r, style), a, F.objectNode().put("id", "reason")
                    .put("label", "Why deny it? The requester sees this.")
                    .put("placeholder", "e.g. not during the change freeze").put("maxLength", 500));
            case NOTE -> form(execute(a.verb(), a.label(), r, style), a, F.objectNode().put("id", "note")
                    .put("label", "What did you check? The requester and the audit log see this.")
                    .put("placeholder", "e.g. confirmed with Alice, INC-4711 is real").put("isRequired", true)
                    .put("maxLength", 1000));
        };
    }

    /** A button titled "{label}…" that shows a card with {@code input} (a multi-line text) and {@code submit}. */
    private static ObjectNode form(ObjectNode submit, Action a, ObjectNode input) {
        ObjectNode show = F.objectNode();
        show.put("type", "Action.ShowCard");
        show.put("title", a.label() + "…");
        ObjectNode inner = show.putObject("card");
        inner.put("type", "AdaptiveCard");
        inner.put("version", "1.5");
        ObjectNode field = F.objectNode().put("type", "Input.Text").put("isMultiline", true);
        inner.putArray("body").add(field.setAll(input));
        inner.putArray("actions").add(submit);
        return show;
    }

    private static ObjectNode execute(String verb, String title, AccessRequest r, String style) {
        ObjectNode a = F.objectNode();
        a.put("type", "Action.Execute");
        a.put("verb", verb);
        a.put("title", title);
        if (style != null) {
            a.put("style", style);
        }
        a.putObject("data").put("requestId", r.id().value());
        return a;
    }

    private static ObjectNode text(String s, boolean subtle) {
        ObjectNode t = F.objectNode();
        t.put("type", "TextBlock");
        t.put("text", s);
        t.put("wrap", true);
        if (subtle) {
            t.put("isSubtle", true);
        }
        return t;
    }

    private static ObjectNode fact(String title, String value) {
        return F.objectNode().put("title", title).put("value", value);
    }
}
