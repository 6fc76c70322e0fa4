package org.memtypelab.lab.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.memtypelab.lab.run.FaultPlan;

/** The nftables rules of the private network's faults, as text (the IT applies them for real). */
class NftRulesetTest {

    private static final Map<String, Integer> PORTS = Map.of("kvm-node", 40001, "monitor", 40005);

    @Test
    void aSymmetricCutDropsBothDirectionsBetweenTheTwoAddresses() {
        assertThat(NftRuleset.cut(
                        new FaultPlan.Link("kvm-node", "monitor", false), PrivateNetwork::addressOf, PORTS::get))
                .containsExactly(
                        "ip saddr 127.0.0.2 ip daddr 127.0.0.6 drop", "ip saddr 127.0.0.6 ip daddr 127.0.0.2 drop");
    }

    @Test
    void aOneWayCutDropsOnlyWhatGoesToTheReceiversListeningPort() {
        // the monitor's own connection to kvm-node (its port 40001) and that connection's acks from kvm-node flow
        assertThat(NftRuleset.cut(
                        new FaultPlan.Link("kvm-node", "monitor", true), PrivateNetwork::addressOf, PORTS::get))
                .containsExactly("ip saddr 127.0.0.2 ip daddr 127.0.0.6 tcp dport 40005 drop");
    }

    @Test
    void lossDropsARandomShareOfThePackets() {
        assertThat(NftRuleset.loss(new FaultPlan.Loss("kvm-node", "", 30), PrivateNetwork::addressOf))
                .isEqualTo("ip saddr 127.0.0.2 numgen random mod 100 < 30 drop");
        assertThat(NftRuleset.loss(new FaultPlan.Loss("", "", 5), PrivateNetwork::addressOf))
                .isEqualTo("ip saddr 127.0.0.0/8 numgen random mod 100 < 5 drop");
    }

    @Test
    void theTableIsReplacedInOneTransactionAndAnEmptyListLeavesNone() {
        String with = NftRuleset.replace(List.of("ip saddr 127.0.0.2 ip daddr 127.0.0.6 drop"));
        assertThat(with)
                .startsWith("add table inet memtype_lab\ndelete table inet memtype_lab\ntable inet memtype_lab {")
                .contains("type filter hook input priority filter; policy accept;")
                .contains("    ip saddr 127.0.0.2 ip daddr 127.0.0.6 drop\n");
        assertThat(NftRuleset.replace(List.of()))
                .isEqualTo("add table inet memtype_lab\ndelete table inet memtype_lab\n");
    }

    @Test
    void everyNodeHasItsOwnLoopbackAddress() {
        assertThat(Set.copyOf(List.of(org.memtypelab.protocol.NodeRole.values()).stream()
                        .map(PrivateNetwork::address)
                        .toList()))
                .hasSize(org.memtypelab.protocol.NodeRole.values().length)
                .allMatch(a -> a.startsWith("127.0.0.") && !a.equals("127.0.0.1"));
    }

    @Test
    void onlyTheShapesThatAreNoSplitIntoGroupsAndLossNeedThePrivateNetwork() {
        FaultPlan groups = new FaultPlan(List.of(
                new FaultPlan.Armed(2, new FaultPlan.Partition(List.of(Set.of("kvm-node"), Set.of("monitor"))))));
        FaultPlan ring = new FaultPlan(List.of(new FaultPlan.Armed(
                3,
                new FaultPlan.Partition(
                        List.of(), "ring", List.of(new FaultPlan.Link("kvm-node", "monitor", false)), 0))));
        FaultPlan loss = new FaultPlan(List.of(new FaultPlan.Armed(1, new FaultPlan.Loss("", "monitor", 10))));

        assertThat(groups.needsNetwork()).isEmpty();
        assertThat(ring.needsNetwork())
                .hasValueSatisfying(why ->
                        assertThat(why).contains("ring partition (step 3)").contains("--network isolated"));
        assertThat(loss.needsNetwork())
                .hasValueSatisfying(why -> assertThat(why).contains("packet loss (step 1)"));
    }
}
