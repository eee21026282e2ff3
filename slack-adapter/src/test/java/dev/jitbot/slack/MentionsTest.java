package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The core never reads Slack's mention markup: the adapter writes a mention as the core's person reference. */
class MentionsTest {

    @Test
    void aMention_withOrWithoutItsName_becomesTheSlackKeyOfThePerson() {
        assertThat(SlackUsers.mentionsAsPeople("history <@U0ALICE|alice>")).isEqualTo("history slack:U0ALICE");
        assertThat(SlackUsers.mentionsAsPeople("history <@U0ALICE>")).isEqualTo("history slack:U0ALICE");
        assertThat(SlackUsers.mentionsAsPeople("history <@W0ENT>")).isEqualTo("history slack:W0ENT");
    }

    @Test
    void otherMarkup_isLeftForTheCoreToReadAsWords() {
        assertThat(SlackUsers.mentionsAsPeople("deny JIT-7K3F see <!channel> & <#C0APPROVALS>"))
                .isEqualTo("deny JIT-7K3F see <!channel> & <#C0APPROVALS>");
    }
}
