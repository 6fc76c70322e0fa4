package org.memtypelab.lab.bench;

/** The machine a bench ran on: what its figures depend on. */
public record Machine(int cores, String jvm, String os, long heapMaxMb) {

    /** This JVM and host. */
    public static Machine current() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    /** One line for the table's header. */
    public String describe() {
        return cores + " cores, " + jvm + ", " + os + ", heap max " + heapMaxMb + " MB";
    }
}
