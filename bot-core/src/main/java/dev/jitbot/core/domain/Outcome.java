package dev.jitbot.core.domain;

import java.util.List;
import java.util.Objects;

/**
 * What came of a command. Adapters render it through a {@link Visitor} (Java 17 has no pattern {@code switch}), so a
 * new outcome does not compile until every platform knows how to show it.
 */
public sealed interface Outcome {

    /** Calls the visitor method for this outcome's type. */
    <R> R accept(Visitor<R> visitor);

    /** One method per outcome: adding an outcome breaks every renderer until it handles it. */
    interface Visitor<R> {
        R requested(Requested o);
        R approved(Approved o);
        R activating(Activating o);
        R scheduled(Scheduled o);
        R failed(Failed o);
        R denied(Denied o);
        R cancelled(Cancelled o);
        R ended(Ended o);
        R revoking(Revoking o);
        R extensionRequested(ExtensionRequested o);
        R extended(Extended o);
        R listing(Listing o);
        R details(Details o);
        R history(History o);
        R help(Help o);
        R reviewed(Reviewed o);
        R refused(Refused o);
    }

    /**
     * A request now waits for approvers; the card went to the approvals channel. {@code notice} (may be null) is a
     * note for the requester about how their words were read, e.g. an unknown time zone read as UTC.
     */
    record Requested(AccessRequest request, String notice) implements Outcome {
        public Requested(AccessRequest request) {
            this(request, null);
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.requested(this);
        }
    }

    /**
     * The request is approved (quorum reached, or auto-approved) and waits for its start ({@code request.startsAt()}):
     * nothing is granted before it, and at the start eligibility, votes and ticket are checked again.
     * {@code notice} is as for {@link Requested}.
     */
    record Scheduled(AccessRequest request, String notice) implements Outcome {
        public Scheduled(AccessRequest request) {
            this(request, null);
        }

        @Override
        public <R> R accept(Visitor<R> v) {
            return v.scheduled(this);
        }
    }

    /** An approval was counted; more are needed. */
    record Approved(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.approved(this);
        }
    }

    /**
     * The request is approved (quorum reached, or auto-approved) and Azure is being asked for the role; the
     * requester hears when Azure confirms, and the expiry clock starts then.
     */
    record Activating(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.activating(this);
        }
    }

    /** Azure refused or could not be reached; nothing is granted. */
    record Failed(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.failed(this);
        }
    }

    record Denied(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.denied(this);
        }
    }

    record Cancelled(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.cancelled(this);
        }
    }

    /** Access was taken away (revoked or released); {@code request.endReason()} says which. */
    record Ended(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.ended(this);
        }
    }

    /** Azure has not yet confirmed the revocation; jitbot keeps retrying until it does. */
    record Revoking(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.revoking(this);
        }
    }

    /** An extension waits for approval. */
    record ExtensionRequested(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.extensionRequested(this);
        }
    }

    /** The expiry moved; {@code request.expiresAt()} is the new one. */
    record Extended(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.extended(this);
        }
    }

    /** Requests to show; {@code everyone} is false when the list holds only the caller's own. */
    record Listing(List<AccessRequest> requests, boolean everyone) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.listing(this);
        }

        public Listing {
            requests = List.copyOf(requests);
        }
    }

    /** One request and its audit trail. */
    record Details(AccessRequest request, List<AuditEvent> events) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.details(this);
        }

        public Details {
            events = List.copyOf(events);
        }
    }

    /** Audit events, newest last. */
    record History(String subject, List<AuditEvent> events) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.history(this);
        }

        public History {
            events = List.copyOf(events);
        }
    }

    /** A break-glass grant was reviewed; {@code request.breakGlass()} says by whom and what they noted. */
    record Reviewed(AccessRequest request) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.reviewed(this);
        }
    }

    record Help(String text) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.help(this);
        }
    }

    /** jitbot said no; nothing changed. */
    record Refused(Refusal refusal) implements Outcome {
        @Override
        public <R> R accept(Visitor<R> v) {
            return v.refused(this);
        }

        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }

        public Refused(Refusal.Reason reason, String message) {
            this(new Refusal(reason, message));
        }

        /** A refusal about one field of a request, e.g. {@link Refusal.Field#JUSTIFICATION}. */
        public Refused(Refusal.Reason reason, String message, Refusal.Field field) {
            this(new Refusal(reason, message, field));
        }

        public String message() {
            return refusal.message();
        }
    }
}
