package dev.jitbot.core.domain;

import java.util.Objects;
import java.util.function.Function;

/** The result of reading user input: either a value or a reason a person can act on. */
public sealed interface Parsed<T> {

    /** Input that was understood. */
    record Ok<T>(T value) implements Parsed<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Input that was not understood, with what was wrong and an example of what would work. */
    record Invalid<T>(String reason) implements Parsed<T> {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <T> Parsed<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Parsed<T> invalid(String reason) {
        return new Invalid<>(reason);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value; throws when the input was invalid (use only after {@link #isOk()}). */
    default T orThrow() {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw new IllegalArgumentException(((Invalid<T>) this).reason());
    }

    /** The reason, or null when the input was fine. */
    default String reason() {
        return this instanceof Invalid<T> invalid ? invalid.reason() : null;
    }

    default <R> Parsed<R> map(Function<T, R> f) {
        if (this instanceof Ok<T> ok) {
            return new Ok<>(f.apply(ok.value()));
        }
        return new Invalid<>(((Invalid<T>) this).reason());
    }
}
