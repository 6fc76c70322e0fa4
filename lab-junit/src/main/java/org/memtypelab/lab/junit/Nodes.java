package org.memtypelab.lab.junit;

/** Where a test class's cluster runs: every node in the test JVM, or one JVM per node (as {@code run --nodes}). */
public enum Nodes {
    /** Every node as its own ActorSystem in the test JVM, joined over loopback Artery (the default). */
    EMBEDDED,
    /** One JVM per node (the test classpath's {@code org.memtypelab.lab.run.NodeMain}), the conductor in the test JVM. */
    PROCESSES,
    /**
     * The same node actors in one ActorSystem of the test JVM, run one task at a time in virtual time by the simulator
     * (as {@code run --nodes sim}): deterministic, and milliseconds per run.
     */
    SIM
}
