package org.memtypelab.lab.scenario;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.memtypelab.protocol.NodeRole;

/** A fault armed when a given step begins (SCENARIOS.md, faults). */
public record Fault(Trigger at, Action action) {

    public Fault {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(action, "action");
    }

    /** Which step arms a fault: {@code at: KIND[#ordinal]} or {@code step: N}. */
    public sealed interface Trigger permits AtKind, AtStep {

        /** The 1-based number of the step this trigger names in {@code steps}, or empty if there is none. */
        OptionalInt resolve(List<? extends Step> steps);
    }

    /** The {@code ordinal}-th step (from 1) of the given kind: {@code guest-write#2}. */
    public record AtKind(StepKind kind, int ordinal) implements Trigger {
        public AtKind {
            Objects.requireNonNull(kind, "kind");
            if (ordinal < 1) {
                throw new IllegalArgumentException("ordinal counts from 1: " + ordinal);
            }
        }

        @Override
        public OptionalInt resolve(List<? extends Step> steps) {
            int seen = 0;
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).kind() == kind && ++seen == ordinal) {
                    return OptionalInt.of(i + 1);
                }
            }
            return OptionalInt.empty();
        }

        /** {@code guest-write#2}, the canonical spelling. */
        @Override
        public String toString() {
            return kind.label() + "#" + ordinal;
        }
    }

    /** Step number {@code number}, counted from 1 over all steps. */
    public record AtStep(int number) implements Trigger {
        public AtStep {
            if (number < 1) {
                throw new IllegalArgumentException("steps are numbered from 1: " + number);
            }
        }

        @Override
        public OptionalInt resolve(List<? extends Step> steps) {
            return number <= steps.size() ? OptionalInt.of(number) : OptionalInt.empty();
        }

        @Override
        public String toString() {
            return "step " + number;
        }
    }

    /**
     * The protocol messages a message fault applies to.
     *
     * @param from the sending node, empty for any
     * @param to the receiving node, empty for any
     * @param count how many matching messages are affected (at least 1)
     */
    public record Messages(Optional<NodeRole> from, Optional<NodeRole> to, int count) {
        public Messages {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1: " + count);
            }
        }
    }

    /** What the fault does once armed. */
    public sealed interface Action
            permits Drop, Delay, Duplicate, Reorder, Kill, Restart, Pause, Partition, Heal, Loss {}

    /** Matching messages are lost. */
    public record Drop(Messages messages) implements Action {}

    /** Matching messages arrive {@code ms} milliseconds late. */
    public record Delay(Messages messages, long ms) implements Action {}

    /** Matching messages are delivered twice. */
    public record Duplicate(Messages messages) implements Action {}

    /** Matching messages are delivered out of order. */
    public record Reorder(Messages messages) implements Action {}

    /** The node stops hard ({@code kill -9} in process mode). */
    public record Kill(NodeRole node) implements Action {}

    /** The node restarts with a new incarnation. */
    public record Restart(NodeRole node) implements Action {}

    /**
     * The node freezes for {@code ms} and then goes on, as in a long GC pause: {@code SIGSTOP}/{@code SIGCONT} of its
     * JVM in process mode; in embedded mode every thread of its ActorSystem is held for that long.
     */
    public record Pause(NodeRole node, long ms) implements Action {}

    /**
     * A network cut: what {@code from} sends never reaches {@code to}; unless {@code oneWay}, what {@code to} sends never
     * reaches {@code from} either. A one-way cut leaves {@code to}'s own connections to {@code from} working (their
     * acknowledgements included).
     */
    public record Cut(NodeRole from, NodeRole to, boolean oneWay) {
        public Cut {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (from == to) {
                throw new IllegalArgumentException("a node cannot be cut from itself: " + from);
            }
        }
    }

    /**
     * A partition (docs/scenarios.md "Partition shapes"): the links it {@code cuts} and, where the shape is one, the
     * groups that cannot reach each other (nodes in no group reach every node); {@code groups} is empty for the shapes
     * that are no split into groups (one-way, ring), which only a private network ({@code --network isolated}) can
     * make. After cutting, the run holds {@code ms} milliseconds (0: none) so the failure detector can act.
     *
     * @param shape {@code groups}, {@code isolate}, {@code minority}, {@code bridge}, {@code ring} or {@code one-way}
     */
    public record Partition(String shape, List<Set<NodeRole>> groups, List<Cut> cuts, long ms) implements Action {
        public Partition {
            Objects.requireNonNull(shape, "shape");
            groups = groups.stream().map(Set::copyOf).toList();
            cuts = List.copyOf(cuts);
            if (ms < 0) {
                throw new IllegalArgumentException("ms must be >= 0: " + ms);
            }
        }

        /** The contract's {@code partition: [[nodes...], [nodes...]]}: the groups cannot reach each other. */
        public Partition(List<Set<NodeRole>> groups) {
            this("groups", groups, cutsBetween(groups), 0);
        }

        /** Every link between nodes of different groups, cut both ways. */
        public static List<Cut> cutsBetween(List<Set<NodeRole>> groups) {
            List<Cut> cuts = new java.util.ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                for (int j = i + 1; j < groups.size(); j++) {
                    for (NodeRole a : new java.util.TreeSet<>(groups.get(i))) {
                        for (NodeRole b : new java.util.TreeSet<>(groups.get(j))) {
                            cuts.add(new Cut(a, b, false));
                        }
                    }
                }
            }
            return List.copyOf(cuts);
        }
    }

    /**
     * Packet loss: each packet from {@code from}'s address to {@code to}'s is lost with chance {@code percent}% (empty:
     * any node), until a heal. TCP sends lost packets again, so messages arrive late, not never.
     */
    public record Loss(Optional<NodeRole> from, Optional<NodeRole> to, int percent) implements Action {
        public Loss {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("percent must be 1..100: " + percent);
            }
        }
    }

    /** Every partition (and packet loss) is healed. */
    public record Heal() implements Action {}
}
