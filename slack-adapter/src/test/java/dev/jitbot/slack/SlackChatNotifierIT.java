package dev.jitbot.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the core says through the notifier reaches Slack as text, never as Slack markup someone else typed. */
class SlackChatNotifierIT {

    /** A revoke reason typed in Teams or a modal ends up inside the core's sentence as is. */
    static final Text CORE_TEXT = Text.of().plain("Contributor on rg-payments revoked at 14:35:02 UTC — revoked by ")
            .person(DAVE).plain(": <!channel> re-approve at <https://evil.example|the Azure portal> & now (JIT-7K3F).")
            .done();
    static final String SHOWN = "Contributor on rg-payments revoked at 14:35:02 UTC — revoked by <@U0DAVE>: "
            + "&lt;!channel&gt; re-approve at &lt;https://evil.example|the Azure portal&gt; &amp; now (JIT-7K3F).";

    SlackRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void coreText_withSlackControlSequences_isEscaped_soItCannotPingTheChannelOrDisguiseALink() {
        ChatNotifier notifier = rig.module.notifier();

        notifier.reply(new MessageRef(Platform.SLACK, "C0APPROVALS", "1764079200.000100", MessageRef.CARD), CORE_TEXT);
        notifier.postToChannel("C0APPROVALS", CORE_TEXT);
        notifier.directMessage(ALICE, CORE_TEXT);

        await().atMost(Duration.ofSeconds(10)).until(() -> rig.slack.findAll(
                postRequestedFor(urlEqualTo("/api/chat.postMessage"))).size() == 3);
        assertThat(rig.slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))))
                .extracting(r -> SlackRig.fields(r).get("text"))
                .containsExactlyInAnyOrder(SHOWN, SHOWN, ":warning: " + SHOWN);
    }

    @Test
    void coreCommands_inADirectMessage_areTheSlashCommandPeopleType() {
        rig.module.notifier().directMessage(ALICE, Text.of().plain("Contributor on rg-payments is yours until "
                + "14:35 UTC (45 min). Release early with ").command("release JIT-7K3F").plain(".").done());

        await().atMost(Duration.ofSeconds(10)).until(() -> rig.slack.findAll(
                postRequestedFor(urlEqualTo("/api/chat.postMessage"))).size() == 1);
        assertThat(SlackRig.fields(rig.slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).get(0))
                .get("text")).endsWith("Release early with `/jit release JIT-7K3F`.");
    }

    @Test
    void aPerson_isMentionedWhenTheyAreASlackUser_andOtherwiseNamed_withTheirNameEscaped() {
        ChatUser inTeams = new ChatUser(Platform.TEAMS, "29:1erin", "Erin <!here>", "erin@contoso.com");
        ChatUser knownByEmail = new ChatUser(Platform.SLACK, "owner@contoso.com", "owner@contoso.com", null);

        rig.module.notifier().directMessage(ALICE, Text.of().person(BOB).plain(", ").person(inTeams).plain(" and ")
                .person(knownByEmail).plain(" approved it.").done());

        await().atMost(Duration.ofSeconds(10)).until(() -> rig.slack.findAll(
                postRequestedFor(urlEqualTo("/api/chat.postMessage"))).size() == 1);
        assertThat(SlackRig.fields(rig.slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).get(0))
                .get("text")).isEqualTo("<@U0BOB>, Erin &lt;!here&gt; and owner@contoso.com approved it.");
    }
}
