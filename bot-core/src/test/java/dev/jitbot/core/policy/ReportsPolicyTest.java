package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code scan:} and {@code review:}: the reports jitbot posts on its own schedule, as policy.yaml spells them. */
class ReportsPolicyTest {

    private static PolicyLoader.Result load(String reports) {
        return PolicyLoader.parse("""
                scopes:
                  sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
                groups:
                  engineers: { members: [alice@contoso.com] }
                channels:
                  security: { slack: C0SECURITY, teams: "19:security@thread.tacv2" }
                  approvals: { slack: C0APPROVALS }
                rules:
                  - name: read production
                    role: Reader
                    scopes: [sub-prod]
                    requesters: [engineers]
                    approvals: 0
                """ + reports, "policy.yaml");
    }

    @Test
    void scanAndReview_withOnlyAChannel_runWeeklyAndMonthly_overNinetyDays() {
        PolicyLoader.Result r = load("scan: { channel: security }\nreview: { channel: security }\n");

        assertThat(r.isOk()).as(r.report()).isTrue();
        Policy.Reports reports = r.file().policy().reports();
        assertThat(reports.scan()).isEqualTo(new Policy.Schedule(Duration.ofDays(7), "security", null));
        assertThat(reports.review()).isEqualTo(new Policy.Schedule(Duration.ofDays(30), "security",
                Duration.ofDays(90)));
    }

    @Test
    void everyAndSince_readDaysWeeksHoursAndMinutes() {
        PolicyLoader.Result r = load("scan: { every: 2w, channel: security }\n"
                + "review: { every: 12h, channel: approvals, since: 30d }\n");

        assertThat(r.isOk()).as(r.report()).isTrue();
        assertThat(r.file().policy().reports().scan().every()).isEqualTo(Duration.ofDays(14));
        assertThat(r.file().policy().reports().review()).isEqualTo(new Policy.Schedule(Duration.ofHours(12),
                "approvals", Duration.ofDays(30)));
    }

    @Test
    void withoutTheSections_nothingIsScheduled() {
        PolicyLoader.Result r = load("");

        assertThat(r.isOk()).as(r.report()).isTrue();
        assertThat(r.file().policy().reports()).isEqualTo(Policy.Reports.NONE);
    }

    @Test
    void anUnknownChannel_isNamedOnItsLine_withTheClosestOne() {
        PolicyLoader.Result r = load("scan:\n  every: 7d\n  channel: securty\n");

        assertThat(r.isOk()).isFalse();
        assertThat(r.report()).contains("policy.yaml:16:", "scan: channel `securty` is not under `channels:`",
                "did you mean `security`?");
    }

    @Test
    void badValues_areEachNamedOnTheirLine_andSayWhatToWrite() {
        PolicyLoader.Result r = load("scan: { every: weekly, channel: security }\n"
                + "review: { every: 30s, chanel: security }\n");

        assertThat(r.isOk()).isFalse();
        assertThat(r.report()).contains("policy.yaml:14:", "scan: every \"weekly\" is not a period; write e.g. 7d",
                "policy.yaml:15:", "review: every \"30s\" is out of range; write a period from 1m to 366d",
                "review: unknown key `chanel` (did you mean `channel`?)", "review: has no `channel`");
    }

    @Test
    void anEmptySection_asksForItsChannel() {
        PolicyLoader.Result r = load("scan:\n");

        assertThat(r.report()).contains("policy.yaml:14:", "scan: needs at least the channel its card goes to, "
                + "e.g. `scan: { every: 7d, channel: security }`");
    }
}
