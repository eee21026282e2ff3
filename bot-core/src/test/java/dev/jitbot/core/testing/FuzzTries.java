package dev.jitbot.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Tries for a fuzz property: {@code times} × the {@code fuzz.tries} system property (1,000 unless a long run
 * raises it with {@code -Dfuzz.tries=…}, which the poms pass on to the test JVMs). Prints how many inputs the
 * property ran and how long they took: a measurement to read, never an assertion.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@AddLifecycleHook(FuzzTries.Hook.class)
public @interface FuzzTries {

    /** The default base when no {@code fuzz.tries} is given, as in junit-platform.properties. */
    int DEFAULT_BASE = 1000;

    /** How many times the base this property runs (a cheap property can afford more). */
    int times() default 1;

    /** Sets the tries before the property runs and reports them after. */
    final class Hook implements AroundPropertyHook {

        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            int times = context.findAnnotation(FuzzTries.class).map(FuzzTries::times).orElse(1);
            context.attributes().setTries(tries(times));
            long start = System.nanoTime();
            PropertyExecutionResult result = property.execute();
            long millis = (System.nanoTime() - start) / 1_000_000;
            int ran = result.countTries();
            System.out.printf("fuzz: %s ran %,d inputs in %,d ms (%,.0f inputs/s)%n", context.extendedLabel(), ran,
                    millis, ran * 1000.0 / Math.max(1, millis));
            return result;
        }

        /** The tries a property runs: {@code times} × {@code fuzz.tries}. */
        public static int tries(int times) {
            int base = DEFAULT_BASE;
            String configured = System.getProperty("fuzz.tries");
            if (configured != null && !configured.isBlank()) {
                try {
                    base = Integer.parseInt(configured.strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("fuzz.tries must be a whole number of tries, e.g. "
                            + "-Dfuzz.tries=100000; it was '" + configured + "'", e);
                }
            }
            return (int) Math.min(Integer.MAX_VALUE, Math.max(1L, (long) base * times));
        }

        @Override
        public int aroundPropertyProximity() {
            // Around jqwik's own defaults hook (-10): a class's @PropertyDefaults(tries) would still win inside it.
            return -20;
        }
    }
}
