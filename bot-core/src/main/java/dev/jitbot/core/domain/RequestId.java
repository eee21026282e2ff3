package dev.jitbot.core.domain;

import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** A short, typable request id such as {@code JIT-7K3F}; case-insensitive on input. */
public record RequestId(String value) {

    /** Crockford's base-32 alphabet: no I, L, O or U, so ids survive being read aloud and retyped. */
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Pattern SHAPE = Pattern.compile("JIT-[0-9A-HJKMNP-TV-Z]{4,10}");
    private static final String EXAMPLE = "JIT-7K3F";

    public RequestId {
        Objects.requireNonNull(value, "value");
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a request id: " + value + " (expected e.g. " + EXAMPLE + ")");
        }
    }

    /** A fresh random id of {@code length} characters after the prefix. */
    public static RequestId random(RandomGenerator random, int length) {
        StringBuilder sb = new StringBuilder("JIT-");
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new RequestId(sb.toString());
    }

    /** Reads an id as a person typed it: any case, with or without the {@code JIT-} prefix. */
    public static Parsed<RequestId> parse(String input) {
        if (input == null || input.isBlank()) {
            return Parsed.invalid("Give a request id, e.g. `" + EXAMPLE + "`.");
        }
        String s = input.strip().toUpperCase(Locale.ROOT);
        if (!s.startsWith("JIT-")) {
            s = "JIT-" + s;
        }
        // People retype ids from screens: read the letters Crockford's alphabet leaves out as the digits they resemble.
        String body = s.substring(4).replace('O', '0').replace('I', '1').replace('L', '1');
        s = "JIT-" + body;
        if (!SHAPE.matcher(s).matches()) {
            return Parsed.invalid("`" + UserText.excerpt(UserText.clean(input), 40) + "` is not a request id; ids look like `"
                    + EXAMPLE + "`.");
        }
        return Parsed.ok(new RequestId(s));
    }

    @Override
    public String toString() {
        return value;
    }
}
