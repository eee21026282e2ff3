package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RoleRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduled reports' cards: what the security channel reads first. */
class SecurityReportsTest {

    static final AzureScope SUB = new AzureScope("/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6");
    static final AzureScope OTHER = new AzureScope("/subscriptions/6a1d7b5f-2c3d-4e4f-9a01-b2c3d4e5f6a7");

    private static StandingAccessScan.Finding finding(int i, StandingAccessScan.Kind kind, StandingAccessScan.Risk risk,
                                                      String role, String reason) {
        return new StandingAccessScan.Finding(SUB.id() + "/providers/Microsoft.Authorization/roleAssignments/" + i,
                new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6" + i, PrincipalType.USER, "p" + i),
                new RoleRef(role, null), SUB, kind, risk, List.of(reason), null, null);
    }

    @Test
    void scanDigest_showsCriticalAndHighFirst_atMostTheTop_countsTheRest_andOneLinePerUnreadableScope() {
        List<StandingAccessScan.Finding> findings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            findings.add(finding(i, StandingAccessScan.Kind.STANDING, StandingAccessScan.Risk.CRITICAL, "Owner",
                    "can change who has access"));
        }
        for (int i = 3; i < 7; i++) {
            findings.add(finding(i, StandingAccessScan.Kind.STANDING, StandingAccessScan.Risk.HIGH, "Contributor",
                    "all actions (`*`)"));
        }
        findings.add(finding(7, StandingAccessScan.Kind.STANDING, StandingAccessScan.Risk.LOW, "Reader", "read-only"));
        findings.add(finding(8, StandingAccessScan.Kind.JITBOT, StandingAccessScan.Risk.LOW, "Reader", "jitbot"));
        String why = "not readable by jitbot's identity (needs Reader at " + OTHER.id() + ")";
        StandingAccessScan.Report report = new StandingAccessScan.Report(findings, List.of(
                new AccessInventory.NotReadable(OTHER, "role assignments", why),
                new AccessInventory.NotReadable(OTHER, "PIM eligibility", why)), Instant.parse("2026-12-01T15:00:00Z"));

        Digest d = SecurityReports.scanDigest(report, 5);

        assertThat(d.title()).isEqualTo("Standing access scan: 8 standing (3 critical, 4 high)");
        assertThat(d.facts()).contains(new Digest.Fact("Standing", "8 (3 critical, 4 high, 0 medium, 1 low)"),
                new Digest.Fact("jitbot", "1"), new Digest.Fact("Not readable", "1 scope"));
        assertThat(d.items().subList(0, 3)).allMatch(l -> l.startsWith("CRITICAL · Owner"));
        assertThat(d.items().subList(3, 5)).allMatch(l -> l.startsWith("HIGH · Contributor"));
        assertThat(d.items().get(5)).isEqualTo("and 2 more standing privileged assignments");
        assertThat(d.items().get(6)).isEqualTo("Not readable: " + OTHER.id() + " (PIM eligibility, role assignments): "
                + why);
        assertThat(d.items()).hasSize(7).noneMatch(l -> l.contains("· Reader ·"));
        assertThat(Digest.fromJson(d.toJson())).isEqualTo(d);
    }

    @Test
    void reviewDigest_leadsWithTheRulesToDelete() {
        EligibilityReview.Report r = new EligibilityReview.Report(Instant.parse("2026-09-02T00:00:00Z"),
                List.of(new EligibilityReview.Unused("read production", "alice@contoso.com", "Reader", "sub-prod")),
                List.of(new EligibilityReview.UnusedRule("own the subscription", 26, 31)), List.of(), List.of());

        Digest d = SecurityReports.reviewDigest(r, Duration.ofDays(90), "policy.yaml");

        assertThat(d.title()).isEqualTo("Eligibility review (last 90d): 1 never requested, 1 rule unused");
        assertThat(d.items().get(0)).startsWith("policy.yaml:26-31: rule \"own the subscription\" was not used at all");
        assertThat(d.items().get(1)).startsWith("never requested: alice@contoso.com · Reader on sub-prod");
        assertThat(d.footer()).contains("jitbot review eligibility --since 90d");
    }
}
