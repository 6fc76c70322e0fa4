package org.memtypelab.runtime.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.node.MessageRule;
import org.memtypelab.protocol.node.MessageRule.Action;

/** One node's outgoing-message faults: armed rules with counts, selectors, partitions, and seeded decisions. */
class OutboxTest {

    private static final String KVM = "kvm-node";
    private static final String QEMU = "qemu-node";
    private static final String GPU = "gpu-process-node";

    @Test
    void withNothingArmedEveryMessageIsDelivered() {
        Outbox f = new Outbox(KVM, 42);

        assertThat(f.decide(QEMU, "StepDone").deliver()).isTrue();
        assertThat(f.decide("monitor", "Observed").deliver()).isTrue();
    }

    @Test
    void aRuleHitsTheNextCountMatchingMessagesThenDelivers() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(MessageRule.of(Action.DROP, "", QEMU, 2, 0)));

        Outbox.Decision first = f.decide(QEMU, "StepDone");
        Outbox.Decision second = f.decide(QEMU, "StepDone");
        Outbox.Decision third = f.decide(QEMU, "StepDone");

        assertThat(first.deliver()).isFalse();
        assertThat(first.action()).isEqualTo(Action.DROP);
        assertThat(first.because()).isEqualTo("drop kvm-node->qemu-node StepDone");
        assertThat(second.action()).isEqualTo(Action.DROP);
        assertThat(third.deliver()).isTrue();
    }

    @Test
    void countZeroMeansNoLimit() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(MessageRule.of(Action.DUPLICATE, "", "", 0, 0)));

        assertThat(IntStream.range(0, 1000)
                        .mapToObj(i -> f.decide(QEMU, "StepDone").action()))
                .containsOnly(Action.DUPLICATE);
    }

    @Test
    void aDelayCarriesItsDuration() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(MessageRule.of(Action.DELAY, "", "", 1, 750)));

        Outbox.Decision d = f.decide(QEMU, "StepDone");

        assertThat(d.action()).isEqualTo(Action.DELAY);
        assertThat(d.delayMs()).isEqualTo(750);
    }

    @Test
    void selectorsMatchReceiverAndKindAndEmptyMatchesAnything() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(
                new MessageRule(Action.DROP, "", QEMU, "MigrationInfo", 0, 1.0, 0),
                new MessageRule(Action.DELAY, "", GPU, "", 0, 1.0, 10)));

        assertThat(f.decide(QEMU, "MigrationInfo").action()).isEqualTo(Action.DROP);
        assertThat(f.decide(QEMU, "StepDone").deliver()).as("another kind").isTrue();
        assertThat(f.decide(GPU, "MigrationInfo").action())
                .as("another receiver, another rule")
                .isEqualTo(Action.DELAY);
        assertThat(f.decide(GPU, "StepDone").action()).isEqualTo(Action.DELAY);
        assertThat(f.decide("monitor", "Observed").deliver()).isTrue();
    }

    @Test
    void rulesFromAnotherSenderAreNotArmed() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(MessageRule.of(Action.DROP, QEMU, "", 0, 0), MessageRule.of(Action.DUPLICATE, KVM, "", 1, 0)));

        assertThat(f.decide(GPU, "StepDone").action())
                .as("only this node's rule")
                .isEqualTo(Action.DUPLICATE);
        assertThat(f.decide(GPU, "StepDone").deliver())
                .as("the other node's unlimited drop was never armed")
                .isTrue();
    }

    @Test
    void theFirstArmedMatchingRuleDecidesAndOnlyItsCountIsUsed() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(MessageRule.of(Action.DROP, "", "", 1, 0)));
        f.arm(List.of(MessageRule.of(Action.DUPLICATE, "", "", 1, 0)));

        assertThat(f.decide(QEMU, "StepDone").action()).isEqualTo(Action.DROP);
        assertThat(f.decide(QEMU, "StepDone").action()).isEqualTo(Action.DUPLICATE);
        assertThat(f.decide(QEMU, "StepDone").deliver()).isTrue();
    }

    @Test
    void aPartitionDropsBetweenGroupsOnlyAndHealRestores() {
        Outbox f = new Outbox(KVM, 42);
        f.partition(List.of(Set.of(KVM, QEMU), Set.of(GPU)));

        Outbox.Decision across = f.decide(GPU, "StepDone");

        assertThat(across.action()).isEqualTo(Action.DROP);
        assertThat(across.because()).startsWith("partition");
        assertThat(f.decide(QEMU, "StepDone").deliver()).as("same group").isTrue();
        assertThat(f.decide("conductor", "StepDone").deliver())
                .as("named in no group")
                .isTrue();
        assertThat(f.decide("monitor", "Observed").deliver()).isTrue();

        f.heal();

        assertThat(f.decide(GPU, "StepDone").deliver()).isTrue();
    }

    @Test
    void aNodeInNoGroupReachesEveryone() {
        Outbox f = new Outbox("conductor", 42);
        f.partition(List.of(Set.of(KVM), Set.of(GPU)));

        assertThat(f.decide(KVM, "StepDone").deliver()).isTrue();
        assertThat(f.decide(GPU, "StepDone").deliver()).isTrue();
    }

    @Test
    void aPartitionWinsOverRulesAndDoesNotUseTheirCounts() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(MessageRule.of(Action.DUPLICATE, "", GPU, 1, 0)));
        f.partition(List.of(Set.of(KVM), Set.of(GPU)));

        assertThat(f.decide(GPU, "StepDone").action()).isEqualTo(Action.DROP);
        f.heal();
        assertThat(f.decide(GPU, "StepDone").action()).isEqualTo(Action.DUPLICATE);
    }

    @Test
    void aSeedAndNodeGiveTheirRecordedDecisions() {
        List<Boolean> a = hits(KVM, 42, 0.5, 200);

        // recorded from this outbox (x = dropped): a run replayed with its seed must fault the same messages again
        assertThat(a.subList(0, 24))
                .containsExactlyElementsOf(".xx.xxxx.x.x..x.xxxxxxx."
                        .chars()
                        .mapToObj(c -> c == 'x')
                        .toList());
        assertThat(a).contains(true, false);
        assertThat(hits(KVM, 43, 0.5, 200)).as("another seed").isNotEqualTo(a);
        assertThat(hits(QEMU, 42, 0.5, 200)).as("another node, same seed").isNotEqualTo(a);
    }

    @Test
    void aProbabilityHitsAboutThatShareOfMessages() {
        long hit = hits(KVM, 7, 0.3, 2000).stream().filter(h -> h).count();

        assertThat(hit).isBetween(450L, 750L);
    }

    @Test
    void aMissedDrawStillUsesUpTheCount() {
        Outbox f = new Outbox(KVM, 42);
        f.arm(List.of(new MessageRule(Action.DROP, "", "", "", 10, 0.5, 0)));

        List<Boolean> dropped = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            dropped.add(!f.decide(QEMU, "StepDone").deliver());
        }

        assertThat(dropped.subList(0, 10)).contains(true);
        assertThat(dropped.subList(10, 100)).containsOnly(false);
    }

    @Test
    void rulesRejectImpossibleProbabilitiesAndCounts() {
        assertThatThrownBy(() -> new MessageRule(Action.DROP, "", "", "", 1, 0.0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probability");
        assertThatThrownBy(() -> new MessageRule(Action.DROP, "", "", "", 1, 1.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probability must be in (0, 1]: 1.5");
        assertThatThrownBy(() -> MessageRule.of(Action.DROP, "", "", -1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
        assertThat(MessageRule.of(Action.DELAY, KVM, QEMU, 3, 100))
                .isEqualTo(new MessageRule(Action.DELAY, KVM, QEMU, "", 3, 1.0, 100));
        assertThat(Action.REORDER.label()).isEqualTo("reorder");
    }

    /** Which of {@code n} messages an unlimited drop rule with {@code p} hits, for a fresh state. */
    private static List<Boolean> hits(String node, long seed, double p, int n) {
        Outbox f = new Outbox(node, seed);
        f.arm(List.of(new MessageRule(Action.DROP, "", "", "", 0, p, 0)));
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(!f.decide(GPU, "StepDone").deliver());
        }
        return out;
    }

    @Test
    void aReorderHoldsTheMessageLongEnoughToBeOvertakenWhateverTheRuleSays() {
        Outbox f = new Outbox("conductor", 42);
        f.arm(List.of(MessageRule.of(Action.REORDER, "", "", 0, 1)));

        List<Long> holds = IntStream.range(0, 200)
                .mapToObj(i -> f.decide(QEMU, "GuestMap").delayMs())
                .toList();

        // the conductor's outbox is the nodes' outbox: a reorder is a hold of 20-119 ms, never the rule's 1 ms
        assertThat(holds).allSatisfy(h -> assertThat(h).isBetween(20L, 119L));
        assertThat(holds.stream().distinct().count())
                .as("holds vary, so messages overtake each other")
                .isGreaterThan(10);
    }
}
