package org.memtypelab.lab.junit;

import java.util.Optional;
import org.memtypelab.documents.RunResult;

/**
 * One step's answer in a run (result.json {@code steps}).
 *
 * @param n the step's number, from 1
 * @param kind its YAML key ({@code set-memory-region})
 * @param errno KVM's answer to a memslot ioctl ({@code 0}, {@code EEXIST}, ...) or {@code EFAULT} for a guest access
 *     KVM cannot map; empty for steps without one
 * @param node the node that answered
 */
public record StepResult(int n, String kind, boolean ok, Optional<String> errno, String node, String detail) {

    static StepResult of(RunResult.StepEntry e) {
        return new StepResult(e.n(), e.kind(), e.ok(), Optional.ofNullable(e.errno()), e.node(), e.detail());
    }
}
