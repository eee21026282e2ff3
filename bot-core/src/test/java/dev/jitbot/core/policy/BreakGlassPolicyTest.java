package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@code break_glass:} section: read with line-numbered errors, and linted for silence and length. */
class BreakGlassPolicyTest {

    static final String HEAD = """
            scopes:
              sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
            groups:
              oncall: { members: [carol@contoso.com] }
            channels:
              approvals: { slack: C0APPROVALS }
              security: { slack: C0SECURITY, teams: "19:security@thread.tacv2" }
            oncall: oncall
            rules:
              - { name: read, role: Reader, scopes: [sub-prod], requesters: [oncall], approvals: 0 }
            """;

    static PolicyLoader.Result load(String breakGlass) {
        return PolicyLoader.parse(HEAD + breakGlass, "policy.yaml");
    }

    @Nested
    class Reading {
        @Test
        void aFullSection_isReadWithItsDefaults() {
            PolicyLoader.Result r = load("""
                    break_glass:
                      requesters: [oncall, alice@contoso.com]
                      roles: [Owner]
                      scopes: [sub-prod]
                      max_duration: 1h
                      for: 30m
                      channel: security
                    """);
            assertThat(r.errors()).isEmpty();
            Policy.BreakGlassRule bg = r.file().policy().breakGlass();
            assertThat(bg.requesters()).containsExactly("oncall", "alice@contoso.com");
            assertThat(bg.roles()).extracting(x -> x.name()).containsExactly("Owner");
            assertThat(bg.maxDuration()).isEqualTo(Duration.ofHours(1));
            assertThat(bg.defaultDuration()).isEqualTo(Duration.ofMinutes(30));
            assertThat(r.file().policy().securityChannel()).map(Policy.Channel::name).contains("security");
            assertThat(bg.line()).as("the line its settings start on").isEqualTo(12);
        }

        @Test
        void mistakes_areErrorsOnTheirLines_sayingWhatToWrite() {
            PolicyLoader.Result r = load("""
                    break_glass:
                      requesters: [nobody-group]
                      scopes: [rg-unknown]
                      max_duration: 30h
                      channel: securty
                      colour: red
                    """);
            List<String> messages = r.errors().stream().map(f -> f.line() + ": " + f.message()).toList();
            assertThat(messages).anyMatch(m -> m.startsWith("12:") && m.contains("`nobody-group` is not a group"));
            assertThat(messages).anyMatch(m -> m.startsWith("12:") && m.contains("no `roles`"));
            assertThat(messages).anyMatch(m -> m.startsWith("13:") && m.contains("rg-unknown"));
            assertThat(messages).anyMatch(m -> m.startsWith("14:") && m.contains("longer than jitbot grants"));
            assertThat(messages).anyMatch(m -> m.startsWith("15:") && m.contains("`securty` is not under `channels:`")
                    && m.contains("security"));
            assertThat(messages).anyMatch(m -> m.startsWith("16:") && m.contains("unknown key `colour`"));
        }

        @Test
        void aDefaultLongerThanTheMaximum_isAnError() {
            PolicyLoader.Result r = load("break_glass: { requesters: [oncall], roles: [Owner], scopes: [sub-prod], "
                    + "max_duration: 30m, for: 1h, channel: security }\n");
            assertThat(r.errors()).singleElement().extracting(Finding::message).asString()
                    .contains("for 1h is longer than its max_duration 30m");
        }
    }

    @Nested
    class Lint {
        @Test
        void noSecurityChannel_andAMaximumOverAnHour_eachWarn() {
            PolicyLoader.Result r = load("""
                    break_glass:
                      requesters: [oncall]
                      roles: [Owner]
                      scopes: [sub-prod]
                      max_duration: 4h
                    """);
            assertThat(r.errors()).isEmpty();
            List<Finding> warnings = PolicyLint.lint(r.file());
            assertThat(warnings).anyMatch(f -> f.message().contains("break_glass has no security channel"));
            assertThat(warnings).anyMatch(f -> f.line() == 15 && f.message().contains("max_duration 4h is over 1h"));
        }

        @Test
        void aChannelAndAnHour_areQuiet() {
            PolicyLoader.Result r = load("break_glass: { requesters: [oncall], roles: [Owner], scopes: [sub-prod], "
                    + "max_duration: 1h, channel: security }\n");
            assertThat(PolicyLint.lint(r.file())).noneMatch(f -> f.message().contains("break_glass"));
        }
    }
}
