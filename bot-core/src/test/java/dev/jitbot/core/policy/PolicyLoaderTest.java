package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.ScopePattern;
import dev.jitbot.core.testing.TestPolicies;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(PolicyLoaderTest.class.getResource("/policies/" + name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A minimal valid policy with {@code rule} as its only rule (indented as a list item under rules:). */
    static String withRule(String rule) {
        return """
                scopes:
                  rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
                groups:
                  engineers: { members: [alice@contoso.com, bob@contoso.com] }
                  leads: { members: [bob@contoso.com, carol@contoso.com] }
                channels:
                  approvals: { slack: C0APPROVALS }
                principals:
                  deploy-pipeline: { object_id: 3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b, type: ServicePrincipal, owners: [alice@contoso.com] }
                rules:
                """ + rule;
    }

    static final String GOOD_RULE = """
              - name: operate payments
                role: Contributor
                scopes: [rg-payments]
                requesters: [engineers]
                approvers: [leads]
            """;

    static List<Finding> errors(String yaml) {
        PolicyLoader.Result result = PolicyLoader.parse(yaml, "policy.yaml");
        assertThat(result.isOk()).as("policy should not load").isFalse();
        assertThat(result.errors()).allSatisfy(e -> assertThat(e.isError()).isTrue());
        return result.errors();
    }

    static Finding onlyError(String yaml) {
        List<Finding> errors = errors(yaml);
        assertThat(errors).as(PolicyLoader.parse(yaml, "policy.yaml").report()).hasSize(1);
        return errors.get(0);
    }

    /** A rule with line and ticket pattern taken out, so two rules compare by what they allow. */
    static Policy.Rule comparable(Policy.Rule r) {
        return new Policy.Rule(r.name(), r.role(), r.scopes(), r.requesters(), r.approvers(), r.approvals(),
                r.maxDuration(), r.requestTtl(), null, r.channels(), r.principals(), 0);
    }

    @Nested
    class DesignExample {

        final PolicyLoader.Result result = PolicyLoader.load(resource("design.yaml"));

        @Test
        void load_designMdExample_loadsWithoutErrors() {
            assertThat(result.errors()).isEmpty();
            assertThat(result.isOk()).isTrue();
        }

        @Test
        void load_designMdExample_equalsTestPoliciesDesign() {
            Policy loaded = result.policy();
            Policy expected = TestPolicies.design();

            assertThat(loaded.defaults()).isEqualTo(expected.defaults());
            assertThat(loaded.scopeAliases()).isEqualTo(expected.scopeAliases());
            assertThat(loaded.groups()).isEqualTo(expected.groups());
            assertThat(loaded.channels()).isEqualTo(expected.channels());
            assertThat(loaded.oncallGroup()).isEqualTo(expected.oncallGroup());
            assertThat(loaded.principals()).isEqualTo(expected.principals());
            assertThat(loaded.rules().stream().map(PolicyLoaderTest::comparable).toList())
                    .isEqualTo(expected.rules().stream().map(PolicyLoaderTest::comparable).toList());
            assertThat(loaded.rules()).extracting(r -> r.ticket() == null ? null : r.ticket().pattern())
                    .containsExactlyElementsOf(expected.rules().stream()
                            .map(r -> r.ticket() == null ? null : r.ticket().pattern()).toList());
        }

        @Test
        void load_designMdExample_readsUsersWhichTestPoliciesLeavesOut() {
            Policy.UserEntry alice = result.policy().users().get("alice@contoso.com");

            assertThat(alice.objectId()).isEqualTo("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
        }

        @Test
        void load_designMdExample_appliesDefaultsWhereARuleIsSilent() {
            Policy.Rule operate = result.policy().rule("operate payments").orElseThrow();

            assertThat(operate.approvals()).isEqualTo(1);
            assertThat(operate.requestTtl()).isEqualTo(Duration.ofMinutes(30));
            assertThat(operate.maxDuration()).isEqualTo(Duration.ofHours(2));
        }

        @Test
        void load_designMdExample_remembersWhereEachRuleAndValueIs() {
            PolicyFile file = result.orThrow();

            assertThat(file.policy().rules()).extracting(Policy.Rule::line).containsExactly(14, 20, 26);
            assertThat(file.line("rules[0].scopes[1]", 0)).isEqualTo(16);
            assertThat(file.line("rules[2].approvals", 0)).isEqualTo(31);
            assertThat(file.line("rules[1].approvals", -1)).isEqualTo(-1);
        }
    }

    @Nested
    class EachMistake {

        @Test
        void parse_durationInWords_namesRuleAndShowsHowToWriteIt() {
            Finding e = onlyError(withRule(GOOD_RULE + "    max_duration: two hours\n"));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e).hasToString("policy.yaml:16: rule \"operate payments\": max_duration \"two hours\" is not a "
                    + "duration; write 45m, 2h or 1h30m.");
        }

        @Test
        void parse_durationOver24h_refusesWithTheLimit() {
            Finding e = onlyError(withRule(GOOD_RULE + "    max_duration: 2d\n"));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e.message()).contains("max_duration 48h is longer than jitbot grants (24h)", "24h or less");
        }

        @Test
        void parse_durationWithoutUnit_saysHowToWriteIt() {
            Finding e = onlyError(withRule(GOOD_RULE + "    request_ttl: 30\n"));

            assertThat(e.message()).isEqualTo("rule \"operate payments\": request_ttl \"30\" is not a duration; "
                    + "write 45m, 2h or 1h30m.");
        }

        @Test
        void parse_misspelledRuleKey_suggestsTheRightOne() {
            Finding e = onlyError(withRule(GOOD_RULE + "    aprovals: 2\n"));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e.column()).isEqualTo(5);
            assertThat(e.message()).contains("unknown key `aprovals`", "did you mean `approvals`?");
        }

        @Test
        void parse_unknownTopLevelKey_suggestsTheRightOne() {
            Finding e = onlyError("defualts: { max_duration: 1h }\n" + withRule(GOOD_RULE));

            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).contains("unknown top-level key `defualts`", "did you mean `defaults`?");
        }

        @Test
        void parse_unknownScopeAlias_suggestsTheClosestAlias() {
            Finding e = onlyError(withRule(GOOD_RULE.replace("[rg-payments]", "[rg-paymnts]")));

            assertThat(e.line()).isEqualTo(13);
            assertThat(e.message()).contains("scope `rg-paymnts` is neither an alias", "did you mean `rg-payments`?");
        }

        @Test
        void parse_malformedArmScope_explainsTheScope() {
            Finding e = onlyError(withRule(GOOD_RULE.replace("[rg-payments]", "[/subscriptions/nope/resourceGroups/x]")));

            assertThat(e.line()).isEqualTo(13);
            assertThat(e.message()).contains("/subscriptions/nope", "GUID");
        }

        @Test
        void parse_scopePatternWithWildcard_isAccepted() {
            PolicyLoader.Result r = PolicyLoader.parse(withRule(GOOD_RULE.replace("[rg-payments]",
                    "[\"/subscriptions/*/resourceGroups/rg-payments\"]")), "policy.yaml");

            assertThat(r.errors()).isEmpty();
            assertThat(r.policy().rules().get(0).scopes()).extracting(ScopePattern::pattern)
                    .containsExactly("/subscriptions/*/resourceGroups/rg-payments");
        }

        @Test
        void parse_aliasThatIsNotAnArmId_isAnErrorOnItsLine() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/"
                    + "resourceGroups/rg-payments", "rg-payments-in-prod"));

            assertThat(e.line()).isEqualTo(2);
            assertThat(e.message()).startsWith("scopes: alias `rg-payments`:").contains("not an Azure scope");
        }

        @Test
        void parse_wildcardInsideASegment_saysItStandsForAWholeSegment() {
            Finding e = onlyError(withRule(GOOD_RULE.replace("[rg-payments]",
                    "[\"/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-*\"]")));

            assertThat(e.message()).contains("`*` stands for a whole segment, so `rg-*` is not supported");
        }

        @Test
        void parse_unknownGroup_suggestsTheClosestGroup() {
            Finding e = onlyError(withRule(GOOD_RULE.replace("[leads]", "[lead]")));

            assertThat(e.line()).isEqualTo(15);
            assertThat(e.message()).contains("approvers: `lead` is not a group", "did you mean `leads`?",
                    "alice@contoso.com");
        }

        @Test
        void parse_peopleAndChatKeysAsRequesters_areAccepted() {
            PolicyLoader.Result r = PolicyLoader.parse(withRule(GOOD_RULE.replace("[engineers]",
                    "[dave@contoso.com, slack:U024BE7LH, teams:9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d]")), "p.yaml");

            assertThat(r.errors()).isEmpty();
            assertThat(r.policy().rules().get(0).requesters())
                    .containsExactly("dave@contoso.com", "slack:U024BE7LH", "teams:9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d");
        }

        @Test
        void parse_unknownOncallGroup_isAnError() {
            Finding e = onlyError("oncall: on-call\n" + withRule(GOOD_RULE));

            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).contains("oncall: `on-call` is not a group");
        }

        @Test
        void parse_negativeApprovals_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE + "    approvals: -1\n"));

            assertThat(e.message()).contains("approvals -1 is negative");
        }

        @Test
        void parse_approvalsInWords_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE + "    approvals: two\n"));

            assertThat(e.message()).contains("approvals \"two\" is not a whole number", "approvals: 1");
        }

        @Test
        void parse_approvalsWithoutApprovers_pointsAtApprovalsAndOffersBothFixes() {
            Finding e = onlyError(withRule(GOOD_RULE.replace("    approvers: [leads]\n", "    approvals: 1\n")));

            assertThat(e.line()).isEqualTo(15);
            assertThat(e.message()).contains("needs 1 approval but lists no `approvers`", "approvals: 0");
        }

        @Test
        void parse_defaultApprovalsWithoutApprovers_saysTheNumberComesFromDefaults() {
            Finding e = onlyError(withRule(GOOD_RULE.replace("    approvers: [leads]\n", "")));

            assertThat(e.line()).isEqualTo(11);
            assertThat(e.message()).contains("(from `defaults:`)");
        }

        @Test
        void parse_moreApprovalsThanApprovers_countsThePeople() {
            Finding e = onlyError(withRule(GOOD_RULE + "    approvals: 3\n"));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e.message()).contains("needs 3 distinct approvals", "only 2 people", "lower `approvals` to 2");
        }

        @Test
        void parse_moreApprovalsThanListedMembersOfAnEntraGroup_isAllowed() {
            String yaml = withRule(GOOD_RULE + "    approvals: 3\n").replace("leads: { members: [bob@contoso.com, "
                    + "carol@contoso.com] }", "leads: { members: [bob@contoso.com], entra_group: "
                    + "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90 }");

            assertThat(PolicyLoader.parse(yaml, "policy.yaml").errors()).isEmpty();
        }

        @Test
        void parse_ticketThatIsNotARegex_saysWhereItBreaks() {
            Finding e = onlyError(withRule(GOOD_RULE + "    ticket: \"INC-(\\\\d+\"\n"));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e.message()).contains("ticket pattern `INC-(\\d+` is not a valid regular expression",
                    "Unclosed group");
        }

        @Test
        void parse_unknownChannel_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE + "    channels: [aprovals]\n"));

            assertThat(e.message()).contains("channel `aprovals` is not under `channels:`", "did you mean `approvals`?");
        }

        @Test
        void parse_slackChannelByName_asksForTheId() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("slack: C0APPROVALS", "slack: \"#approvals\""));

            assertThat(e.line()).isEqualTo(7);
            assertThat(e.message()).contains("`#approvals` is not a Slack channel id");
        }

        @Test
        void parse_teamsChannelThatIsNotAConversationId_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("slack: C0APPROVALS", "teams: General"));

            assertThat(e.message()).contains("`General` is not a Teams channel id", "19:");
        }

        @Test
        void parse_principalTypeUnknown_listsTheTypes() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("type: ServicePrincipal", "type: Robot"));

            assertThat(e.line()).isEqualTo(9);
            assertThat(e.message()).contains("`Robot` is not a principal type", "ServicePrincipal");
        }

        @Test
        void parse_personUnderPrincipals_isSentToUsers() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("type: ServicePrincipal", "type: User"));

            assertThat(e.message()).contains("ServicePrincipal or ManagedIdentity", "`users:`");
        }

        @Test
        void parse_managedIdentity_isAccepted() {
            PolicyLoader.Result r = PolicyLoader.parse(withRule(GOOD_RULE).replace("type: ServicePrincipal",
                    "type: ManagedIdentity"), "policy.yaml");

            assertThat(r.policy().principal("deploy-pipeline").orElseThrow().principal().type())
                    .isEqualTo(PrincipalType.MANAGED_IDENTITY);
        }

        @Test
        void parse_objectIdThatIsNotAGuid_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("object_id: 3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
                    "object_id: deploy-pipeline-sp"));

            assertThat(e.line()).isEqualTo(9);
            assertThat(e.message()).contains("object_id `deploy-pipeline-sp` is not an object id", "GUID");
        }

        @Test
        void parse_principalWithoutOwners_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE).replace(", owners: [alice@contoso.com]", ""));

            assertThat(e.message()).contains("has no `owners`", "owners: [alice@contoso.com]");
        }

        @Test
        void parse_unknownPrincipalInRule_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE + "    principals: [deploy-pipe]\n"));

            assertThat(e.message()).contains("principal `deploy-pipe` is not under `principals:`",
                    "did you mean `deploy-pipeline`?");
        }

        @Test
        void parse_userKeyedByName_asksForTheEmail() {
            Finding e = onlyError(withRule(GOOD_RULE) + "users:\n  alice: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }\n");

            assertThat(e.message()).contains("users: `alice` is not an email");
        }

        @Test
        void parse_groupMemberThatIsNotAPerson_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("[bob@contoso.com, carol@contoso.com]",
                    "[bob@contoso.com, carol]"));

            assertThat(e.line()).isEqualTo(5);
            assertThat(e.message()).contains("group \"leads\": members: `carol` is not a person");
        }

        @Test
        void parse_groupInsideAGroup_asksForThePeople() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("[bob@contoso.com, carol@contoso.com]",
                    "[bob@contoso.com, engineers]"));

            assertThat(e.message()).contains("`engineers` is a group, but this list takes people (groups do not nest)");
        }

        @Test
        void parse_groupAsOwnerOfAWorkload_isOneErrorAskingForPeople() {
            Finding e = onlyError(withRule(GOOD_RULE).replace("owners: [alice@contoso.com]", "owners: [leads]"));

            assertThat(e.line()).isEqualTo(9);
            assertThat(e.message()).contains("principal \"deploy-pipeline\": owners: `leads` is a group");
        }

        @Test
        void parse_sameUserTwiceInDifferentCase_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE) + "users:\n"
                    + "  alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }\n"
                    + "  Alice@Contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }\n");

            assertThat(e.line()).isEqualTo(18);
            assertThat(e.message()).contains("emails ignore case");
        }

        @Test
        void parse_customRoleWithoutActions_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE) + "custom_roles:\n  Restarter: { description: restarts }\n");

            assertThat(e.message()).contains("custom role \"Restarter\" allows no actions");
        }

        @Test
        void parse_brokenGroup_isReportedOnceNotAtEveryUse() {
            List<Finding> errors = errors(withRule(GOOD_RULE).replace("leads: { members: [bob@contoso.com, "
                    + "carol@contoso.com] }", "leads: { members: [bob@contoso.com], entra_group: leads-group }"));

            assertThat(errors).singleElement().satisfies(e -> assertThat(e.message()).contains("entra_group"));
        }

        @Test
        void parse_duplicateRuleNames_namesTheFirst() {
            Finding e = onlyError(withRule(GOOD_RULE + GOOD_RULE));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e.message()).contains("already the name of the rule on line 11");
        }

        @Test
        void parse_duplicateYamlKey_namesBothLines() {
            Finding e = onlyError(withRule(GOOD_RULE + "    role: Reader\n"));

            assertThat(e.line()).isEqualTo(16);
            assertThat(e.message()).contains("`role` appears twice (first on line 12)");
        }

        @Test
        void parse_ruleWithoutRoleScopesOrRequesters_saysWhatEachIsFor() {
            List<Finding> errors = errors(withRule("  - name: empty\n"));

            assertThat(errors).extracting(Finding::message).anySatisfy(m -> assertThat(m).contains("no `role`"))
                    .anySatisfy(m -> assertThat(m).contains("no `scopes`"))
                    .anySatisfy(m -> assertThat(m).contains("no `requesters`"));
        }

        @Test
        void parse_roleIdAsGuidOrDefinitionPath_isKept() {
            PolicyLoader.Result r = PolicyLoader.parse(withRule(GOOD_RULE
                    + "    role_id: /providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c\n"),
                    "policy.yaml");

            assertThat(r.policy().rules().get(0).role().definitionId()).endsWith("b24988ac-6180-42a0-ab88-20f7382dd24c");
            assertThat(onlyError(withRule(GOOD_RULE + "    role_id: contributor\n")).message())
                    .contains("role_id `contributor` is not a role definition id");
        }

        @Test
        void parse_invalidYaml_givesLineAndColumn() {
            Finding e = onlyError("rules:\n  - name: x\n    role: Reader\n   scopes: [a]\n");

            assertThat(e.line()).isEqualTo(4);
            assertThat(e.column()).isPositive();
            assertThat(e.message()).startsWith("not valid YAML at column");
        }

        @Test
        void parse_emptyFile_saysWhatAPolicyNeeds() {
            Finding e = onlyError("# nothing yet\n");

            assertThat(e.message()).contains("the policy is empty", "rules:");
        }

        @Test
        void parse_topLevelList_isAnError() {
            assertThat(onlyError("- name: x\n").message()).contains("must be a mapping");
        }

        @Test
        void parse_noRulesKey_isAnError() {
            assertThat(onlyError("groups:\n  g: { members: [a@b.co] }\n").message()).contains("has no `rules:`");
        }

        @Test
        void parse_emptyRuleList_loadsAPolicyThatGrantsNothing() {
            assertThat(PolicyLoader.parse("rules: []\n", "policy.yaml").policy().rules()).isEmpty();
        }

        @Test
        void parse_scalarWhereAListIsExpected_isReadAsAOneItemList() {
            PolicyLoader.Result r = PolicyLoader.parse(withRule(GOOD_RULE.replace("[rg-payments]", "rg-payments")),
                    "policy.yaml");

            assertThat(r.policy().rules().get(0).scopes()).hasSize(1);
        }

        @Test
        void parse_customRoleWithUnknownKey_isAnError() {
            Finding e = onlyError(withRule(GOOD_RULE) + "custom_roles:\n  Restarter: { action: [x] }\n");

            assertThat(e.message()).contains("unknown key `action`", "did you mean `actions`?");
        }
    }

    @Nested
    class SeveralMistakes {

        @Test
        void load_brokenSample_reportsEveryErrorInLineOrder() {
            PolicyLoader.Result result = PolicyLoader.load(resource("broken.yaml"));

            assertThat(result.isOk()).isFalse();
            assertThat(result.errors()).extracting(Finding::line)
                    .containsExactly(5, 8, 10, 11, 16, 18, 19, 25, 26, 27, 28, 29, 35);
            assertThat(result.errors()).allSatisfy(e -> assertThat(e.toString()).startsWith(
                    resource("broken.yaml") + ":" + e.line() + ": "));
        }

        @Test
        void orThrow_withErrors_throwsWithEveryErrorInTheMessage() {
            PolicyLoader.Result result = PolicyLoader.load(resource("broken.yaml"));

            assertThatThrownBy(result::orThrow).isInstanceOf(PolicyException.class)
                    .hasMessageContaining("13 errors")
                    .hasMessageContaining(":19: rule \"operate payments\": max_duration \"two hours\"")
                    .hasMessageContaining(":35: principal \"deploy-pipeline\"");
        }

        @Test
        void parse_threeMistakesInOneRule_reportsAllThree() {
            List<Finding> errors = errors(withRule(GOOD_RULE + "    aprovals: 1\n    max_duration: 3 days\n"
                    + "    ticket: \"[\"\n"));

            assertThat(errors).extracting(Finding::line).containsExactly(16, 17, 18);
        }
    }

    @Nested
    class PolicyFiles {

        @Test
        void load_missingFile_isAnErrorThatSaysWhereToPoint(@TempDir Path dir) {
            PolicyLoader.Result result = PolicyLoader.load(dir.resolve("policy.yaml"));

            assertThat(result.errors()).singleElement().satisfies(e -> {
                assertThat(e.line()).isZero();
                assertThat(e.message()).contains("no such file", "JITBOT_POLICY");
            });
        }

        @Test
        void load_fileOnDisk_namesTheFileInMessages(@TempDir Path dir) throws IOException {
            Path file = Files.writeString(dir.resolve("policy.yaml"), withRule(GOOD_RULE + "    approvals: x\n"));

            assertThat(PolicyLoader.load(file).report()).startsWith(file + ":16: ");
        }
    }

    @Nested
    class Demo {

        @Test
        void demo_loadsAndIsLabelledAsADemo() throws IOException {
            Policy demo = PolicyLoader.demo();
            String text = new String(Objects.requireNonNull(PolicyLoader.class
                    .getResourceAsStream(PolicyLoader.DEMO_RESOURCE)).readAllBytes());

            assertThat(text).contains("DEMO POLICY", "NOT FOR PRODUCTION");
            assertThat(demo.roleNames()).containsExactly("Reader", "Contributor", "Owner");
        }

        @Test
        void demo_autoApprovesReaderAndAsksOneApprovalForContributorAndTwoPlusTicketForOwner() {
            Policy demo = PolicyLoader.demo();
            AzureScope sub = demo.resolveScope("sub-demo").orThrow();
            AzureScope rg = demo.resolveScope("rg-demo").orThrow();

            assertThat(sub.kind()).isEqualTo(dev.jitbot.core.domain.ScopeKind.SUBSCRIPTION);
            Policy.Rule reader = ruleFor(demo, "Reader", sub);
            Policy.Rule contributor = ruleFor(demo, "Contributor", rg);
            Policy.Rule owner = ruleFor(demo, "Owner", sub);
            assertThat(reader.approvals()).isZero();
            assertThat(contributor.approvals()).isEqualTo(1);
            assertThat(owner.approvals()).isEqualTo(2);
            assertThat(owner.ticket().matcher("DEMO-42").matches()).isTrue();
            assertThat(List.of(reader, contributor, owner))
                    .allSatisfy(r -> assertThat(r.maxDuration()).isGreaterThan(Duration.ofSeconds(20)));
        }

        @Test
        void demo_mapsAliceBobAndCarolToObjectIds() {
            Policy demo = PolicyLoader.demo();

            assertThat(demo.users()).containsOnlyKeys("alice@contoso.com", "bob@contoso.com", "carol@contoso.com");
            assertThat(demo.channels()).isEmpty();
            assertThat(demo.channelsFor(demo.rules().get(0))).isEmpty();
            assertThat(demo.groups().get("engineers").members()).contains(TestPolicies.ALICE.email(),
                    TestPolicies.BOB.email(), TestPolicies.CAROL.email());
        }

        private Policy.Rule ruleFor(Policy p, String role, AzureScope scope) {
            return p.rules().stream().filter(r -> r.covers(dev.jitbot.core.domain.RoleRef.named(role), scope))
                    .findFirst().orElseThrow();
        }
    }

    @Test
    void channelIds_areReadPerPlatform() {
        Policy p = PolicyLoader.load(resource("design.yaml")).policy();

        assertThat(p.channels().get("approvals").ids()).containsEntry(Platform.SLACK, "C0APPROVALS")
                .containsEntry(Platform.TEAMS, "19:approvals@thread.tacv2");
    }

    @Test
    void managedScopes_ofAResourceGroupWildcard_isItsSubscription_soReconcileListsThere() {
        String yaml = String.join("\n",
                "groups:",
                "  engineers: { members: [alice@contoso.com] }",
                "rules:",
                "  - name: read any resource group",
                "    role: Reader",
                "    scopes: [\"/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/*\"]",
                "    requesters: [engineers]",
                "    approvals: 0",
                "");
        Policy p = PolicyLoader.parse(yaml, "policy.yaml").policy();
        assertThat(p.managedScopes()).extracting(AzureScope::id)
                .containsExactly("/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6");
    }
}
