package dev.jitbot.core.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may hold which Azure role, where, for how long, with whose approval: the content of {@code policy.yaml}.
 * Pure data and look-ups; group membership through Entra is checked in the app layer.
 */
public record Policy(
        Defaults defaults,
        Map<String, AzureScope> scopeAliases,
        Map<String, Group> groups,
        Map<String, Channel> channels,
        String oncallGroup,
        List<Rule> rules,
        Map<String, NonHuman> principals,
        Map<String, UserEntry> users,
        OnCallSettings oncallSource,
        Duration remindBefore,
        Duration maxLead,
        BreakGlassRule breakGlass,
        Reports reports,
        Map<String, Bundle> bundles) {

    /** A policy without {@code bundles:}. */
    public Policy(Defaults defaults, Map<String, AzureScope> scopeAliases, Map<String, Group> groups,
                  Map<String, Channel> channels, String oncallGroup, List<Rule> rules, Map<String, NonHuman> principals,
                  Map<String, UserEntry> users, OnCallSettings oncallSource, Duration remindBefore, Duration maxLead,
                  BreakGlassRule breakGlass, Reports reports) {
        this(defaults, scopeAliases, groups, channels, oncallGroup, rules, principals, users, oncallSource,
                remindBefore, maxLead, breakGlass, reports, Map.of());
    }

    /** A policy without {@code scan:} or {@code review:} schedules. */
    public Policy(Defaults defaults, Map<String, AzureScope> scopeAliases, Map<String, Group> groups,
                  Map<String, Channel> channels, String oncallGroup, List<Rule> rules, Map<String, NonHuman> principals,
                  Map<String, UserEntry> users, OnCallSettings oncallSource, Duration remindBefore, Duration maxLead,
                  BreakGlassRule breakGlass) {
        this(defaults, scopeAliases, groups, channels, oncallGroup, rules, principals, users, oncallSource,
                remindBefore, maxLead, breakGlass, Reports.NONE);
    }

    /** A policy without {@code break_glass:}. */
    public Policy(Defaults defaults, Map<String, AzureScope> scopeAliases, Map<String, Group> groups,
                  Map<String, Channel> channels, String oncallGroup, List<Rule> rules, Map<String, NonHuman> principals,
                  Map<String, UserEntry> users, OnCallSettings oncallSource, Duration remindBefore, Duration maxLead) {
        this(defaults, scopeAliases, groups, channels, oncallGroup, rules, principals, users, oncallSource,
                remindBefore, maxLead, null);
    }

    /** How long before a grant ends its requester is reminded, when the policy does not say. */
    public static final Duration DEFAULT_REMIND_BEFORE = Duration.ofMinutes(10);
    /** How far ahead a request may be scheduled ({@code from …}), when the policy does not say. */
    public static final Duration DEFAULT_MAX_LEAD = Duration.ofDays(7);

    /** A policy with the default {@code max_lead}. */
    public Policy(Defaults defaults, Map<String, AzureScope> scopeAliases, Map<String, Group> groups,
                  Map<String, Channel> channels, String oncallGroup, List<Rule> rules, Map<String, NonHuman> principals,
                  Map<String, UserEntry> users, OnCallSettings oncallSource, Duration remindBefore) {
        this(defaults, scopeAliases, groups, channels, oncallGroup, rules, principals, users, oncallSource,
                remindBefore, DEFAULT_MAX_LEAD, null);
    }

    /** A policy without an on-call source and with the default reminder. */
    public Policy(Defaults defaults, Map<String, AzureScope> scopeAliases, Map<String, Group> groups,
                  Map<String, Channel> channels, String oncallGroup, List<Rule> rules, Map<String, NonHuman> principals,
                  Map<String, UserEntry> users) {
        this(defaults, scopeAliases, groups, channels, oncallGroup, rules, principals, users, null,
                DEFAULT_REMIND_BEFORE, DEFAULT_MAX_LEAD, null);
    }

    /** In a rule's {@code approvers:}: the owners of the workload the request grants to. */
    public static final String OWNERS = "owners";
    /** In a rule's {@code requesters:}: a workload that may ask for itself, e.g. {@code principal:deploy-pipeline}. */
    public static final String WORKLOAD_PREFIX = "principal:";

    public Policy {
        Objects.requireNonNull(remindBefore, "remindBefore (Duration.ZERO switches reminders off)");
        Objects.requireNonNull(maxLead, "maxLead");
        reports = reports == null ? Reports.NONE : reports;
        Objects.requireNonNull(defaults, "defaults");
        scopeAliases = Map.copyOf(lowerKeys(scopeAliases));
        groups = Map.copyOf(groups);
        channels = Map.copyOf(channels);
        rules = List.copyOf(rules);
        principals = Map.copyOf(lowerKeys(principals));
        users = Map.copyOf(lowerKeys(users));
        bundles = Map.copyOf(lowerKeys(bundles == null ? Map.of() : bundles));
    }

    /**
     * {@code bundles:}: a name for several (role, scope) pairs requested, approved, granted and revoked together.
     * Each member must be covered by a rule; which rule is decided per requester when they ask.
     */
    public record Bundle(String name, List<BundleMember> members, int line) {
        public Bundle {
            Objects.requireNonNull(name, "name");
            members = List.copyOf(members);
        }

        /** "Contributor on rg-payments, Reader on sub-prod". */
        public String memberLabels() {
            return String.join(", ", members.stream().map(BundleMember::label).toList());
        }
    }

    /** One (role, scope) pair of a bundle, with the scope as the policy names it. */
    public record BundleMember(RoleRef role, AzureScope scope, String scopeLabel) {
        public BundleMember {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(scopeLabel, "scopeLabel");
        }

        public String label() {
            return role.name() + " on " + scopeLabel;
        }
    }

    /** The bundle with this name (case-insensitive). */
    public Optional<Bundle> bundle(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(bundles.get(name.strip().toLowerCase(Locale.ROOT)));
    }

    private static <V> Map<String, V> lowerKeys(Map<String, V> m) {
        Map<String, V> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    /** {@code max_duration}, {@code request_ttl} and {@code approvals} for rules that do not set their own. */
    public record Defaults(Duration maxDuration, Duration requestTtl, int approvals) {
        public static final Defaults STANDARD = new Defaults(Duration.ofHours(1), Duration.ofMinutes(30), 1);

        public Defaults {
            Objects.requireNonNull(maxDuration, "maxDuration");
            Objects.requireNonNull(requestTtl, "requestTtl");
        }
    }

    /**
     * People by email or chat key ({@code slack:U024BE7LH}, {@code teams:<aadObjectId>}), and optionally an Entra
     * group whose transitive members also belong.
     */
    public record Group(String name, Set<String> members, String entraGroupId) {
        public Group {
            Objects.requireNonNull(name, "name");
            members = Set.copyOf(members.stream().map(m -> m.strip().toLowerCase(Locale.ROOT)).toList());
        }

        public boolean listsDirectly(ChatUser user) {
            return (user.email() != null && members.contains(user.email()))
                    || members.contains(user.key().toLowerCase(Locale.ROOT))
                    || (user.aadObjectId() != null && members.contains(user.aadObjectId()));
        }
    }

    /**
     * The reports jitbot posts on its own: {@code scan:} (the standing-access digest, weekly by default) and
     * {@code review:} (the eligibility review, monthly by default). Either may be null: not scheduled.
     */
    public record Reports(Schedule scan, Schedule review) {
        public static final Reports NONE = new Reports(null, null);
        public static final Duration SCAN_EVERY = Duration.ofDays(7);
        public static final Duration REVIEW_EVERY = Duration.ofDays(30);
        public static final Duration REVIEW_SINCE = Duration.ofDays(90);
    }

    /**
     * One scheduled report.
     *
     * @param every   how often it runs
     * @param channel the key under {@code channels:} it is posted to
     * @param since   the window it looks back over (the review's {@code since:}; null for the scan)
     */
    public record Schedule(Duration every, String channel, Duration since) {
        public Schedule {
            Objects.requireNonNull(every, "every");
            Objects.requireNonNull(channel, "channel");
        }
    }

    /** A place where request cards go, with its id on each platform. */
    public record Channel(String name, Map<Platform, String> ids) {
        public Channel {
            Objects.requireNonNull(name, "name");
            ids = Map.copyOf(ids);
        }
    }

    /**
     * One eligibility rule.
     *
     * @param requesters  group names or individual emails/chat keys who may ask
     * @param approvers   group names or individuals who may approve (empty with approvals 0)
     * @param ticket      ticket ids must match this (null: no ticket needed)
     * @param channels    channel names that receive this rule's cards (empty: every channel in the policy)
     * @param principals  workloads this rule may grant to: aliases, or {@code *} for any the requester owns; empty
     *                    (no {@code principals} key) means people only
     * @param line        where the rule starts in the policy file, for messages
     * @param oncallApproval {@code auto_approve_if: oncall}: a requester on call now is approved without a vote
     *                    (null: every request needs its approvals)
     */
    public record Rule(String name, RoleRef role, List<ScopePattern> scopes, List<String> requesters,
                       List<String> approvers, int approvals, Duration maxDuration, Duration requestTtl,
                       Pattern ticket, List<String> channels, List<String> principals, int line,
                       OnCallApproval oncallApproval) {

        /** A rule without on-call auto-approval. */
        public Rule(String name, RoleRef role, List<ScopePattern> scopes, List<String> requesters,
                    List<String> approvers, int approvals, Duration maxDuration, Duration requestTtl,
                    Pattern ticket, List<String> channels, List<String> principals, int line) {
            this(name, role, scopes, requesters, approvers, approvals, maxDuration, requestTtl, ticket, channels,
                    principals, line, null);
        }

        public Rule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(maxDuration, "maxDuration");
            Objects.requireNonNull(requestTtl, "requestTtl");
            scopes = List.copyOf(scopes);
            requesters = List.copyOf(requesters);
            approvers = List.copyOf(approvers);
            channels = List.copyOf(channels);
            principals = List.copyOf(principals);
        }

        public boolean covers(RoleRef requested, AzureScope scope) {
            return role.sameRole(requested) && scopes.stream().anyMatch(p -> p.covers(scope));
        }

        /** True when this rule may grant to the workload {@code alias}; a rule without {@code principals} grants to people only. */
        public boolean allowsPrincipal(String alias) {
            return principals.contains("*") || principals.stream().anyMatch(p -> p.equalsIgnoreCase(alias));
        }
    }

    /**
     * {@code auto_approve_if: oncall}: a requester on call now in a schedule of {@code oncall_source} is approved at
     * once, for a request of at most {@code maxDuration}; longer requests, and any when the source cannot answer,
     * wait for the rule's approvers.
     */
    public record OnCallApproval(Duration maxDuration) {
        public OnCallApproval {
            Objects.requireNonNull(maxDuration, "maxDuration");
        }
    }

    /**
     * {@code oncall_source:}: where jitbot asks who is on call.
     *
     * @param schedules schedule ids (PagerDuty) or ids or names (Opsgenie); on call in any of them counts
     * @param baseUrl   the provider's API base URL (null: the provider's public one)
     * @param apiKeyEnv the environment variable that holds the API key (never the key itself)
     * @param group     a policy group the source also fills: whoever is on call now belongs to it (may be null)
     */
    public record OnCallSettings(OnCallProvider provider, List<String> schedules, String baseUrl, String apiKeyEnv,
                                 String group) {
        public OnCallSettings {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(apiKeyEnv, "apiKeyEnv");
            schedules = List.copyOf(schedules);
        }
    }

    /** The on-call services jitbot can ask, with their public API and the environment variable for their key. */
    public enum OnCallProvider {
        PAGERDUTY("pagerduty", "PagerDuty", "https://api.pagerduty.com", "JITBOT_PAGERDUTY_API_KEY"),
        OPSGENIE("opsgenie", "Opsgenie", "https://api.opsgenie.com", "JITBOT_OPSGENIE_API_KEY");

        private final String key;
        private final String title;
        private final String publicUrl;
        private final String keyEnv;

        OnCallProvider(String key, String title, String publicUrl, String keyEnv) {
            this.key = key;
            this.title = title;
            this.publicUrl = publicUrl;
            this.keyEnv = keyEnv;
        }

        /** How policy.yaml names it: {@code pagerduty}, {@code opsgenie}. */
        public String key() {
            return key;
        }

        public String title() {
            return title;
        }

        public String publicUrl() {
            return publicUrl;
        }

        /** The environment variable read for the API key when the policy names none. */
        public String defaultKeyEnv() {
            return keyEnv;
        }
    }

    /** A service principal or managed identity that named people own and may request access for. */
    public record NonHuman(String alias, Principal principal, Set<String> owners) {
        public NonHuman {
            Objects.requireNonNull(alias, "alias");
            Objects.requireNonNull(principal, "principal");
            owners = Set.copyOf(owners.stream().map(o -> o.strip().toLowerCase(Locale.ROOT)).toList());
        }

        public boolean ownedBy(ChatUser user) {
            // owners are lower-cased above; a chat key such as slack:U024BE7LH is not.
            return (user.email() != null && owners.contains(user.email()))
                    || owners.contains(user.key().toLowerCase(Locale.ROOT))
                    || (user.aadObjectId() != null && owners.contains(user.aadObjectId()));
        }
    }

    /**
     * {@code break_glass:}: who may grant themselves a role at once, without approval, and where that is announced.
     * Kept apart from {@code rules:} so no rule can turn into one by accident.
     *
     * @param requesters   group names or people who may break the glass (workloads as {@code principal:<alias>})
     * @param roles        the roles it may grant
     * @param scopes       where (aliases resolved, patterns as in rules)
     * @param maxDuration  the longest grant
     * @param defaultDuration what a request without {@code for} gets
     * @param channel      the name of the security channel under {@code channels:} (null: none, which lint flags)
     * @param reviewers    who may review a use (empty: the on-call group); never the requester
     * @param line         where the section starts in the policy file
     */
    public record BreakGlassRule(List<String> requesters, List<RoleRef> roles, List<ScopePattern> scopes,
                                 Duration maxDuration, Duration defaultDuration, String channel,
                                 List<String> reviewers, int line) {
        /** How long an unreviewed break-glass grant waits before the security channel is reminded. */
        public static final Duration REVIEW_REMINDER = Duration.ofHours(24);

        public BreakGlassRule {
            Objects.requireNonNull(maxDuration, "maxDuration");
            Objects.requireNonNull(defaultDuration, "defaultDuration");
            requesters = List.copyOf(requesters);
            roles = List.copyOf(roles);
            scopes = List.copyOf(scopes);
            reviewers = List.copyOf(reviewers);
        }

        /** The policy's spelling of {@code role}, when break-glass may grant it. */
        public Optional<RoleRef> role(String name) {
            return roles.stream().filter(r -> r.name().equalsIgnoreCase(name.strip())).findFirst();
        }

        public boolean coversScope(AzureScope scope) {
            return scopes.stream().anyMatch(p -> p.covers(scope));
        }
    }

    /** The security channel break-glass grants are announced in, when the policy names one that exists. */
    public Optional<Channel> securityChannel() {
        return breakGlass == null || breakGlass.channel() == null ? Optional.empty()
                : Optional.ofNullable(channels.get(breakGlass.channel()));
    }

    /** A static directory entry for tenants without Graph access: email → Entra object id. */
    public record UserEntry(String email, String objectId, String displayName) { }

    /** Reads what a person typed as a scope: a policy alias or an ARM id. */
    public Parsed<AzureScope> resolveScope(String typed) {
        if (typed == null || typed.isBlank()) {
            return Parsed.invalid("Say which scope, e.g. " + aliasExamples() + ".");
        }
        AzureScope alias = scopeAliases.get(typed.strip().toLowerCase(Locale.ROOT));
        if (alias != null) {
            return Parsed.ok(alias);
        }
        if (!typed.strip().startsWith("/")) {
            return Parsed.invalid("`" + typed.strip() + "` is neither a scope alias nor an ARM id. Known aliases: "
                    + aliasExamples() + "; or give an id such as `" + AzureScope.EXAMPLE + "`.");
        }
        return AzureScope.parse(typed);
    }

    /** The alias people know a scope by, or its short ARM form. */
    public String labelFor(AzureScope scope) {
        return scopeAliases.entrySet().stream()
                .filter(e -> e.getValue().id().equalsIgnoreCase(scope.id()))
                .map(Map.Entry::getKey).findFirst().orElse(scope.id());
    }

    /** A rule's scope as people know it: its alias when it names exactly one scope, else the pattern itself. */
    public String labelFor(ScopePattern pattern) {
        return pattern.isExact() ? labelFor(new AzureScope(pattern.pattern())) : pattern.pattern();
    }

    private String aliasExamples() {
        if (scopeAliases.isEmpty()) {
            return "`" + AzureScope.EXAMPLE + "`";
        }
        return String.join(", ", scopeAliases.keySet().stream().sorted().limit(6).map(a -> "`" + a + "`").toList());
    }

    /** Every role name some rule mentions. */
    public List<String> roleNames() {
        List<String> names = new ArrayList<>();
        for (Rule r : rules) {
            if (names.stream().noneMatch(n -> n.equalsIgnoreCase(r.role().name()))) {
                names.add(r.role().name());
            }
        }
        return names;
    }

    /** The rule with this name (rules are named uniquely). */
    public Optional<Rule> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<Group> group(String name) {
        return Optional.ofNullable(groups.get(name));
    }

    public Optional<NonHuman> principal(String aliasOrId) {
        if (aliasOrId == null) {
            return Optional.empty();
        }
        String k = aliasOrId.strip().toLowerCase(Locale.ROOT);
        NonHuman byAlias = principals.get(k);
        if (byAlias != null) {
            return Optional.of(byAlias);
        }
        return principals.values().stream().filter(p -> p.principal().objectId().equals(k)).findFirst();
    }

    /** Channels whose cards show this rule's requests. */
    public List<Channel> channelsFor(Rule rule) {
        if (rule.channels().isEmpty()) {
            // The break-glass security channel is kept apart: it hears about a rule's requests only if the rule names it.
            String security = breakGlass == null ? null : breakGlass.channel();
            return channels.values().stream().filter(c -> !c.name().equals(security))
                    .sorted(java.util.Comparator.comparing(Channel::name)).toList();
        }
        return rule.channels().stream().map(channels::get).filter(Objects::nonNull).toList();
    }

    /** Every scope a rule can grant at, exact ones only (patterns with wildcards are skipped). */
    public List<AzureScope> managedScopes() {
        List<AzureScope> out = new ArrayList<>();
        for (Rule r : rules) {
            for (ScopePattern p : r.scopes()) {
                String fixed = p.pattern().contains("*") ? p.pattern().substring(0, p.pattern().indexOf("/*")) : p.pattern();
                Parsed<AzureScope> parsed = AzureScope.parse(fixed);
                // `/subscriptions/<id>/resourceGroups/*` leaves `…/resourceGroups`, which is no scope: go up to one.
                while (!parsed.isOk() && fixed.lastIndexOf('/') > 0) {
                    fixed = fixed.substring(0, fixed.lastIndexOf('/'));
                    parsed = AzureScope.parse(fixed);
                }
                Parsed<AzureScope> s = parsed;
                if (s.isOk() && out.stream().noneMatch(o -> s.orThrow().isWithin(o))) {
                    out.removeIf(o -> o.isWithin(s.orThrow()));
                    out.add(s.orThrow());
                }
            }
        }
        return out;
    }
}
