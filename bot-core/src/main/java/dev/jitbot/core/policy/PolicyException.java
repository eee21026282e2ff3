package dev.jitbot.core.policy;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown where a caller insists on a policy that has errors; the message lists every error with its line. */
public final class PolicyException extends RuntimeException {

    private final transient List<Finding> errors;

    public PolicyException(List<Finding> errors) {
        super(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in the policy:\n"
                + errors.stream().map(Finding::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<Finding> errors() {
        return errors;
    }
}
