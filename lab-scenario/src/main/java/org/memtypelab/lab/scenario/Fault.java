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
    public sealed interface Action permits Drop, Delay, Duplicate, Reorder, Kill, Restart, Pause, Partition, Heal {}

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

    /** The nodes are split into groups that cannot reach each other. */
    public record Partition(List<Set<NodeRole>> groups) implements Action {
        public Partition {
            groups = groups.stream().map(Set::copyOf).toList();
        }
    }

    /** Every partition is healed. */
    public record Heal() implements Action {}
}
