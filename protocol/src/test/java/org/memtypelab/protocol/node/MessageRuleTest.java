package org.memtypelab.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A message fault in the words traces and reports show. */
class MessageRuleTest {

    @Test
    void aCampaignRuleIsAPercentageOfAllMessages() {
        assertThat(new MessageRule(MessageRule.Action.DROP, "", "", "", 0, 0.02, 0).describe())
                .isEqualTo("drop 2% of the messages");
        assertThat(new MessageRule(MessageRule.Action.DELAY, "", "", "", 0, 0.125, 40).describe())
                .isEqualTo("delay 12.5% of the messages by 40 ms");
    }

    @Test
    void aScenarioRuleNamesItsCountAndSelectors() {
        assertThat(MessageRule.of(MessageRule.Action.DELAY, "qemu-node", "kvm-node", 1, 3000)
                        .describe())
                .isEqualTo("delay the next 1 message from qemu-node to kvm-node by 3000 ms");
        assertThat(new MessageRule(MessageRule.Action.DUPLICATE, "", "monitor", "observed", 2, 0.5, 0).describe())
                .isEqualTo("duplicate the next 2 messages of kind observed to monitor, each with chance 50%");
        assertThat(MessageRule.of(MessageRule.Action.REORDER, "", "", 0, 0).describe())
                .isEqualTo("reorder every message");
    }
}
