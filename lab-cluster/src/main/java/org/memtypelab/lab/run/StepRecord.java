package org.memtypelab.lab.run;

/** What one step did, for result.json's {@code steps}. */
public record StepRecord(int n, String kind, boolean ok, String node, String detail, String errno) {}
