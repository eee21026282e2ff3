package dev.jitbot.core.testing;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.ScopePattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The policy of DESIGN.md as Java values, and the people in it, for tests in every module. */
public final class TestPolicies {

    public static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    public static final AzureScope SUB_PROD = new AzureScope("/subscriptions/" + SUB);
    public static final AzureScope RG_PAYMENTS = new AzureScope("/subscriptions/" + SUB + "/resourceGroups/rg-payments");
    public static final String LEADS_ENTRA_GROUP = "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90";
    public static final String PIPELINE_ID = "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    public static final String SLACK_APPROVALS = "C0APPROVALS";
    public static final String TEAMS_APPROVALS = "19:approvals@thread.tacv2";
    public static final String SLACK_SECURITY = "C0SECURITY";
    public static final String TEAMS_SECURITY = "19:security@thread.tacv2";

    public static final ChatUser ALICE = slack("U0ALICE", "Alice", "alice@contoso.com");
    public static final ChatUser BOB = slack("U0BOB", "Bob", "bob@contoso.com");
    public static final ChatUser CAROL = slack("U0CAROL", "Carol", "carol@contoso.com");
    public static final ChatUser DAVE = slack("U0DAVE", "Dave", "dave@contoso.com");
    public static final ChatUser ERIN = slack("U0ERIN", "Erin", "erin@contoso.com");

    private TestPolicies() {
    }

    public static ChatUser slack(String id, String name, String email) {
        return new ChatUser(Platform.SLACK, id, name, email);
    }

    /** DESIGN.md's example: Reader auto-approved, Contributor on rg-payments with one lead, Owner with two. */
    public static Policy design() {
        Map<String, Policy.Group> groups = Map.of(
                "engineers", new Policy.Group("engineers",
                        Set.of("alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com"), null),
                "leads", new Policy.Group("leads", Set.of("bob@contoso.com", "carol@contoso.com", "dave@contoso.com"),
                        LEADS_ENTRA_GROUP),
                "oncall", new Policy.Group("oncall", Set.of("carol@contoso.com"), null));
        Map<String, Policy.Channel> channels = Map.of("approvals", new Policy.Channel("approvals",
                Map.of(Platform.SLACK, SLACK_APPROVALS, Platform.TEAMS, TEAMS_APPROVALS)));
        List<Policy.Rule> rules = List.of(
                new Policy.Rule("read production", new RoleRef("Reader", null),
                        List.of(new ScopePattern(SUB_PROD.id()),
                                new ScopePattern("/subscriptions/" + SUB + "/resourceGroups/*")),
                        List.of("engineers"), List.of(), 0, Duration.ofHours(8), Duration.ofMinutes(30), null,
                        List.of(), List.of(), 14),
                new Policy.Rule("operate payments", new RoleRef("Contributor", null),
                        List.of(new ScopePattern(RG_PAYMENTS.id())), List.of("engineers"), List.of("leads"), 1,
                        Duration.ofHours(2), Duration.ofMinutes(30), null, List.of(), List.of(), 20),
                new Policy.Rule("own the subscription", new RoleRef("Owner", null),
                        List.of(new ScopePattern(SUB_PROD.id())), List.of("leads"), List.of("leads", "oncall"), 2,
                        Duration.ofMinutes(30), Duration.ofMinutes(30), Pattern.compile("INC-\\d+"), List.of(),
                        List.of(), 26));
        Map<String, Policy.NonHuman> principals = Map.of("deploy-pipeline", new Policy.NonHuman("deploy-pipeline",
                new Principal(PIPELINE_ID, PrincipalType.SERVICE_PRINCIPAL, "deploy-pipeline"),
                Set.of("alice@contoso.com")));
        return new Policy(new Policy.Defaults(Duration.ofHours(1), Duration.ofMinutes(30), 1),
                Map.of("rg-payments", RG_PAYMENTS, "sub-prod", SUB_PROD), groups, channels, "oncall", rules,
                principals, Map.of());
    }

    /**
     * {@code base} with a security channel and {@code break_glass: { requesters: [engineers], roles: [Owner],
     * scopes: [sub-prod], max_duration: 1h, for: 30m, channel: security }}.
     */
    public static Policy withBreakGlass(Policy base) {
        Map<String, Policy.Channel> channels = new java.util.HashMap<>(base.channels());
        channels.put("security", new Policy.Channel("security",
                Map.of(Platform.SLACK, SLACK_SECURITY, Platform.TEAMS, TEAMS_SECURITY)));
        return new Policy(base.defaults(), base.scopeAliases(), base.groups(), channels, base.oncallGroup(),
                base.rules(), base.principals(), base.users(), base.oncallSource(), base.remindBefore(), base.maxLead(),
                new Policy.BreakGlassRule(List.of("engineers"), List.of(RoleRef.named("Owner")),
                        List.of(new ScopePattern(SUB_PROD.id())), Duration.ofHours(1), Duration.ofMinutes(30),
                        "security", List.of(), 40), base.reports(), base.bundles());
    }

    /**
     * {@code base} with bundle {@code incident-payments}: Contributor on rg-payments (one lead, at most 2 h) and
     * Reader on sub-prod (auto-approved, 8 h).
     */
    public static Policy withBundle(Policy base) {
        return new Policy(base.defaults(), base.scopeAliases(), base.groups(), base.channels(), base.oncallGroup(),
                base.rules(), base.principals(), base.users(), base.oncallSource(), base.remindBefore(), base.maxLead(),
                base.breakGlass(), base.reports(), Map.of(
                "incident-payments", new Policy.Bundle("incident-payments", List.of(
                        new Policy.BundleMember(new RoleRef("Contributor", null), RG_PAYMENTS, "rg-payments"),
                        new Policy.BundleMember(new RoleRef("Reader", null), SUB_PROD, "sub-prod")), 1)));
    }

    /**
     * {@code base} with an {@code oncall_source} of {@code provider} at {@code baseUrl} (null: its public API) naming
     * {@code schedules}, and rule {@code rule} saying {@code auto_approve_if: { oncall: true, max_duration: cap }}.
     */
    public static Policy withOnCall(Policy base, Policy.OnCallProvider provider, String baseUrl, String rule,
                                    Duration cap, String... schedules) {
        List<Policy.Rule> rules = base.rules().stream().map(r -> !r.name().equals(rule) ? r
                : new Policy.Rule(r.name(), r.role(), r.scopes(), r.requesters(), r.approvers(), r.approvals(),
                r.maxDuration(), r.requestTtl(), r.ticket(), r.channels(), r.principals(), r.line(),
                new Policy.OnCallApproval(cap))).toList();
        return new Policy(base.defaults(), base.scopeAliases(), base.groups(), base.channels(), base.oncallGroup(),
                rules, base.principals(), base.users(), new Policy.OnCallSettings(provider, List.of(schedules), baseUrl,
                provider.defaultKeyEnv(), null), base.remindBefore(), base.maxLead(), base.breakGlass(),
                base.reports(), base.bundles());
    }

    /** {@code base} with its on-call group holding exactly {@code emails}. */
    public static Policy withOncallMembers(Policy base, String... emails) {
        Map<String, Policy.Group> groups = new java.util.HashMap<>(base.groups());
        groups.put(base.oncallGroup(), new Policy.Group(base.oncallGroup(), Set.of(emails), null));
        return new Policy(base.defaults(), base.scopeAliases(), groups, base.channels(), base.oncallGroup(),
                base.rules(), base.principals(), base.users(), base.oncallSource(), base.remindBefore(), base.maxLead(),
                base.breakGlass(), base.reports(), base.bundles());
    }
}
