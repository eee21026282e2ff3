package dev.jitbot.teams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.bot.connector.ConnectorClient;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import java.time.Clock;
import java.util.List;

/**
 * Decides which version of a request card someone sees, asking the core who may act (never deciding it here):
 * the channel sees status; approvers, on-call and the requester get the buttons they may use on refresh.
 */
final class CardViews {

    private final AccessService service;
    private final Roster roster;
    private final Clock clock;

    CardViews(AccessService service, Roster roster, Clock clock) {
        this.service = service;
        this.roster = roster;
        this.clock = clock;
    }

    /**
     * The card as posted to the channel. Its {@code refresh} names the members who may act, so Teams fetches their
     * own version; when the roster cannot tell who they are, the buttons go on the shared card instead (the core
     * still refuses anyone who may not use them).
     */
    ObjectNode base(ConnectorClient connector, String conversationId, AccessRequest r) {
        List<String> actors = actorIds(connector, conversationId, r);
        Cards.View view = actors.isEmpty() ? new Cards.View(true, true, null, false, true) : Cards.View.STATUS;
        return Cards.request(r, actors, view, clock.instant(), service.blastRadius(r));
    }

    /** Teams ids of the members of {@code conversationId} who may act on {@code r} now. */
    List<String> actorIds(ConnectorClient connector, String conversationId, AccessRequest r) {
        if (connector == null || conversationId == null) {
            return List.of();
        }
        return roster.members(connector, conversationId).stream()
                .filter(u -> mayDecide(u, r) || mayRevoke(u, r) || mayReview(u, r))
                .map(ChatUser::id)
                .toList();
    }

    /** The card as {@code viewer} should see it, with {@code notice} on top (a confirmation or a refusal). */
    ObjectNode personal(ChatUser viewer, AccessRequest r, List<String> refreshIds, String notice, boolean problem) {
        Cards.View view = new Cards.View(mayDecide(viewer, r), mayRevoke(viewer, r), notice, problem,
                mayReview(viewer, r));
        return Cards.request(r, refreshIds, view, clock.instant(), service.blastRadius(r));
    }

    private boolean mayReview(ChatUser u, AccessRequest r) {
        return r.isBreakGlass() && service.whyNotReview(u, r).isEmpty();
    }

    private boolean mayDecide(ChatUser u, AccessRequest r) {
        return service.canApprove(u, r) && !r.hasVoted(u);
    }

    private boolean mayRevoke(ChatUser u, AccessRequest r) {
        return r.state().holdsAccess() && (service.canApprove(u, r) || service.isOncall(u) || r.requester().samePerson(u));
    }
}
