package org.memtypelab.lab.campaign;

/**
 * The seed of each campaign run, a function of the campaign seed, the cell and the run only, so that results do not
 * depend on how many workers ran the campaign or in which order.
 */
public final class RunSeeds {

    private RunSeeds() {}

    /**
     * The seed of run {@code run} (0 is the oracle) of cell {@code cell}: SplitMix64 steps over the three numbers,
     * non-negative so it can be passed back as {@code run --seed}.
     */
    public static long of(long campaignSeed, int cell, int run) {
        long h = mix(campaignSeed);
        h = mix(h ^ cell);
        h = mix(h ^ ((long) run << 32));
        return h & Long.MAX_VALUE;
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
