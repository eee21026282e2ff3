package dev.jitbot.core.app;

import java.util.Objects;

/**
 * One option of a request form's select: the {@code value} the form sends back to {@link RequestFormModel#read}
 * and the {@code label} a person reads, e.g. {@code Contributor|rg-payments} and "Contributor on rg-payments · up to
 * 2 h, 1 approval".
 */
public record FormChoice(String value, String label) {

    public FormChoice {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(label, "label");
    }
}
