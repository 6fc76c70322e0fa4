package org.memtypelab.runtime.trace;

/**
 * Where trace lines take their time from: the wall clock, or - in a simulated cluster, whose scheduler implements
 * this - virtual time, so a seeded simulated run writes the same bytes every time.
 */
@FunctionalInterface
public interface TraceClock {

    TraceClock WALL = System::currentTimeMillis;

    long millis();
}
