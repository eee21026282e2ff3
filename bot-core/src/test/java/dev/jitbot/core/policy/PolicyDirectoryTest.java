package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Membership;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.testing.TestPolicies;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PolicyDirectoryTest {

    static final String LEADS = TestPolicies.LEADS_ENTRA_GROUP;

    final Policy design = PolicyLoader.load(PolicyLoaderTest.resource("design.yaml")).policy();
    final PolicyDirectory directory = PolicyDirectory.of(design);

    @Nested
    class Users {

        @Test
        void user_mappedEmail_isTheEntraUserFromPolicy() {
            Parsed<Principal> alice = directory.user(TestPolicies.ALICE);

            assertThat(alice.orThrow()).isEqualTo(new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                    PrincipalType.USER, "Alice"));
        }

        @Test
        void user_unmappedEmail_refusesAndSaysWhereToMapIt() {
            Parsed<Principal> bob = directory.user(TestPolicies.BOB);

            assertThat(bob.isOk()).isFalse();
            assertThat(bob.reason()).isEqualTo("No Entra account for bob@contoso.com; an admin can map it under "
                    + "`users:` in policy.yaml.");
        }

        @Test
        void user_withoutEmail_saysWhatIsMissing() {
            Parsed<Principal> nobody = directory.user(new ChatUser(Platform.SLACK, "U0X", "X", null));

            assertThat(nobody.reason()).contains("cannot see an email on your Slack profile");
        }

        @Test
        void user_whomTeamsAlreadyIdentified_keepsTheirObjectId() {
            ChatUser teams = new ChatUser(Platform.TEAMS, "29:1abc", "Erin", "erin@contoso.com",
                    "5d8e7f6a-1b2c-4d3e-8f90-a1b2c3d4e5f6");

            assertThat(directory.user(teams).orThrow().objectId()).isEqualTo("5d8e7f6a-1b2c-4d3e-8f90-a1b2c3d4e5f6");
        }

        @Test
        void user_displayNameFromPolicy_winsOverChatName() {
            Policy demo = PolicyLoader.demo();

            assertThat(PolicyDirectory.of(demo).user(TestPolicies.BOB).orThrow().displayName()).isEqualTo("Bob (demo)");
        }
    }

    @Nested
    class Workloads {

        @Test
        void servicePrincipal_byAliasOrObjectId_isFound() {
            assertThat(directory.servicePrincipal("deploy-pipeline").orThrow().objectId())
                    .isEqualTo(TestPolicies.PIPELINE_ID);
            assertThat(directory.servicePrincipal(TestPolicies.PIPELINE_ID.toUpperCase()).orThrow().type())
                    .isEqualTo(PrincipalType.SERVICE_PRINCIPAL);
        }

        @Test
        void servicePrincipal_unknown_saysWhereToAddIt() {
            assertThat(directory.servicePrincipal("backup-job").reason()).contains("`backup-job`", "`principals:`");
        }
    }

    @Nested
    class GroupMembership {

        @Test
        void isMember_personListedInTheGroupThatCarriesTheEntraId_isTrue() {
            String yaml = """
                    groups:
                      leads: { members: [alice@contoso.com], entra_group: 0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90 }
                    users:
                      alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
                      bob@contoso.com: { object_id: 1b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
                    rules: []
                    """;
            PolicyDirectory d = PolicyDirectory.of(PolicyLoader.parse(yaml, "policy.yaml").policy());

            assertThat(d.isMember(d.user(TestPolicies.ALICE).orThrow(), LEADS)).isTrue();
            assertThat(d.isMember(d.user(TestPolicies.BOB).orThrow(), LEADS)).isFalse();
            assertThat(d.isMember(d.user(TestPolicies.ALICE).orThrow(), "1c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90"))
                    .isFalse();
        }

        @Test
        void isMember_neverAsksEntra_soAnEntraGroupAddsNobodyBeyondItsListedMembers() {
            ChatUser erin = new ChatUser(Platform.TEAMS, "29:erin", "Erin", "erin@contoso.com",
                    "5d8e7f6a-1b2c-4d3e-8f90-a1b2c3d4e5f6");
            Membership membership = new Membership(() -> design, directory);

            assertThat(directory.isMember(directory.user(erin).orThrow(), LEADS)).isFalse();
            assertThat(membership.isIn(erin, List.of("leads"))).isFalse();
            assertThat(membership.isIn(TestPolicies.BOB, List.of("leads"))).isTrue();
        }
    }
}
