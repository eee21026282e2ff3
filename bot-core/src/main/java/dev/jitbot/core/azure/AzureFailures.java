package dev.jitbot.core.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.management.exception.ManagementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads Azure's error answers: status, ARM error code, and the permission an AuthorizationFailed names. */
final class AzureFailures {

    private static final Pattern ACTION = Pattern.compile("perform action '([^']+)'");
    private static final Pattern RULE = Pattern.compile("([A-Za-z]+Rule)\\b");

    private AzureFailures() {
    }

    /** The HTTP status of a failed call, or 0 when Azure never answered (timeout, connection refused). */
    static int status(Throwable e) {
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return h.getResponse().getStatusCode();
        }
        return 0;
    }

    /** The ARM error code ({@code RoleAssignmentExists}, {@code PrincipalNotFound}, ...), or "". */
    static String code(Throwable e) {
        if (e instanceof ManagementException m && m.getValue() != null && m.getValue().getCode() != null) {
            return m.getValue().getCode();
        }
        return "";
    }

    /** Azure's own message; for the log only, never for chat. */
    static String message(Throwable e) {
        if (e instanceof ManagementException m && m.getValue() != null && m.getValue().getMessage() != null) {
            return m.getValue().getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    /** The action an AuthorizationFailed message says the caller lacks, or {@code fallback}. */
    static String deniedAction(Throwable e, String fallback) {
        Matcher m = ACTION.matcher(message(e));
        return m.find() ? m.group(1) : fallback;
    }

    /** The PIM policy rules a RoleAssignmentRequestPolicyValidationFailed names ("ExpirationRule", ...). */
    static String failedRules(Throwable e) {
        Matcher m = RULE.matcher(message(e));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (out.indexOf(m.group(1)) < 0) {
                out.append(out.length() == 0 ? "" : ", ").append(m.group(1));
            }
        }
        return out.toString();
    }

    /**
     * How long Azure asked to wait, when the call was throttled (429): its Retry-After in seconds, 5 s when it gave
     * none; empty for any other failure.
     */
    static java.util.Optional<java.time.Duration> throttled(Throwable e) {
        if (status(e) != 429) {
            return java.util.Optional.empty();
        }
        String header = ((HttpResponseException) e).getResponse().getHeaderValue("Retry-After");
        try {
            long seconds = header == null ? 5 : Long.parseLong(header.strip());
            return java.util.Optional.of(java.time.Duration.ofSeconds(Math.max(1, Math.min(seconds, 300))));
        } catch (NumberFormatException bad) {
            return java.util.Optional.of(java.time.Duration.ofSeconds(5));
        }
    }

    /** An id that the chat message and the log line share, e.g. {@code AZ-3F9A1C0B}. */
    static String eventId() {
        return dev.jitbot.core.domain.EventIds.next("AZ-");
    }

    /** "status 429 SubscriptionRequestsThrottled" for notes and audit details (Azure's message stays in the log). */
    static String summary(Throwable e) {
        int status = status(e);
        String code = code(e);
        if (status == 0) {
            return "no answer from Azure (" + e.getClass().getSimpleName() + ")";
        }
        return "status " + status + (code.isEmpty() ? "" : " " + code);
    }
}
