package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.memtypelab.protocol.NodeRole.CONDUCTOR;
import static org.memtypelab.protocol.NodeRole.GPU_PROCESS;
import static org.memtypelab.protocol.NodeRole.KVM;
import static org.memtypelab.protocol.NodeRole.MIGRATION;
import static org.memtypelab.protocol.NodeRole.MONITOR;
import static org.memtypelab.protocol.NodeRole.QEMU;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.protocol.NodeRole;

/** The partition shapes of docs/scenarios.md "Partition shapes": which links each cuts, and the inputs refused. */
class PartitionShapesTest {

    private static Fault.Partition partition(String value) {
        Scenario s = ScenarioLoaderTest.loaded(
                "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, partition: " + value + "}\n");
        return (Fault.Partition) s.faults().get(0).action();
    }

    private static Set<Set<NodeRole>> links(Fault.Partition p) {
        return Set.copyOf(p.cuts().stream().map(c -> Set.of(c.from(), c.to())).toList());
    }

    @Test
    void theContractsGroupsCutEveryLinkBetweenThemBothWaysAndNoOther() {
        Fault.Partition p = partition("[[kvm-node, qemu-node], [monitor]]");

        assertThat(p.shape()).isEqualTo("groups");
        assertThat(p.ms()).isZero();
        assertThat(links(p)).containsExactlyInAnyOrder(Set.of(KVM, MONITOR), Set.of(QEMU, MONITOR));
        assertThat(p.cuts()).noneMatch(Fault.Cut::oneWay);
        assertThat(partition("{groups: [[kvm-node, qemu-node], [monitor]], ms: 9000}")
                        .cuts())
                .isEqualTo(p.cuts());
    }

    @Test
    void isolateCutsOneNodeFromEveryOtherMemberTheConductorIncluded() {
        Fault.Partition p = partition("{isolate: monitor, ms: 9000}");

        assertThat(p.ms()).isEqualTo(9000);
        assertThat(p.groups()).containsExactly(Set.of(MONITOR), EnumSet.complementOf(EnumSet.of(MONITOR)));
        assertThat(links(p)).hasSize(5).allMatch(l -> l.contains(MONITOR));
    }

    @Test
    void aMinorityIsSplitFromTheRestAndTheConductorStaysWithTheMajority() {
        Fault.Partition p = partition("{minority: [kvm-node, qemu-node]}");

        assertThat(p.groups()).containsExactly(Set.of(KVM, QEMU), Set.of(GPU_PROCESS, MIGRATION, MONITOR, CONDUCTOR));
        assertThat(links(p)).hasSize(8);
    }

    @Test
    void aBridgeReachesBothHalvesWhichCannotReachEachOther() {
        Fault.Partition p = partition("{bridge: monitor}");

        assertThat(p.groups()).containsExactly(Set.of(KVM, QEMU), Set.of(GPU_PROCESS, MIGRATION, CONDUCTOR));
        assertThat(p.cuts()).noneMatch(c -> c.from() == MONITOR || c.to() == MONITOR);
        assertThat(links(p)).hasSize(6);
    }

    @Test
    void aRingLeavesEachNodeOnlyItsTwoNeighbours() {
        Fault.Partition p = partition("{ring: [kvm-node, qemu-node, gpu-process-node, migration-node, monitor]}");

        assertThat(p.groups()).as("no split into groups").isEmpty();
        assertThat(links(p))
                .containsExactlyInAnyOrder(
                        Set.of(KVM, GPU_PROCESS),
                        Set.of(KVM, MIGRATION),
                        Set.of(QEMU, MIGRATION),
                        Set.of(QEMU, MONITOR),
                        Set.of(GPU_PROCESS, MONITOR));
        for (NodeRole r : List.of(KVM, QEMU, GPU_PROCESS, MIGRATION, MONITOR)) {
            long reached = Stream.of(KVM, QEMU, GPU_PROCESS, MIGRATION, MONITOR)
                    .filter(o -> o != r && !links(p).contains(Set.of(r, o)))
                    .count();
            assertThat(reached).as(r + " reaches its two neighbours").isEqualTo(2);
        }
    }

    @Test
    void oneWayCutsOnlyTheDirectionFromTheSenders() {
        Fault.Partition p = partition("{one-way: {from: kvm-node, to: [monitor, qemu-node]}}");

        assertThat(p.groups()).isEmpty();
        assertThat(p.cuts())
                .containsExactlyInAnyOrder(new Fault.Cut(KVM, QEMU, true), new Fault.Cut(KVM, MONITOR, true));
    }

    @Test
    void lossTakesAPercentAndOptionalEnds() {
        Scenario s = ScenarioLoaderTest.loaded(
                "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, loss: {to: monitor, percent: 30}}\n");

        assertThat(s.faults().get(0).action()).isEqualTo(new Fault.Loss(Optional.empty(), Optional.of(MONITOR), 30));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void badShapesAreRefusedWithWhatIsAllowed(String what, String value, String fragment) {
        LoadResult r = ScenarioLoader.load(
                "bad.yaml", "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, " + value + "}\n");

        assertThat(r).isInstanceOf(ScenarioError.class);
        assertThat(((ScenarioError) r).message()).contains(fragment);
        assertThat(((ScenarioError) r).line()).isEqualTo(5);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("two shapes", "partition: {isolate: monitor, ring: [kvm-node]}", "give exactly one shape"),
                Arguments.of("no shape", "partition: {ms: 100}", "give exactly one shape; allowed:"),
                Arguments.of("isolate the conductor", "partition: {isolate: conductor}", "'conductor' is not allowed"),
                Arguments.of(
                        "a half is no minority",
                        "partition: {minority: [kvm-node, qemu-node, monitor]}",
                        "3 of the 6 cluster members are no minority"),
                Arguments.of("a ring of three", "partition: {ring: [kvm-node, qemu-node, monitor]}", "cuts nothing"),
                Arguments.of(
                        "one-way to itself",
                        "partition: {one-way: {from: kvm-node, to: kvm-node}}",
                        "kvm-node is in from and to"),
                Arguments.of("hold too long", "partition: {isolate: monitor, ms: 600001}", "ms"),
                Arguments.of("loss of 0%", "loss: {percent: 0}", "percent"),
                Arguments.of("loss without percent", "loss: {from: kvm-node}", "missing required key 'percent'"));
    }
}
