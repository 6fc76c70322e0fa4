package org.memtypelab.lab.map;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One combination of the map and what its run found: the verdict of result.json, its hazards as {@code kind
 * who/who}, the guest's mapping, and the DOMAIN rules that decided it with the texts they come from.
 *
 * @param kernel the kernel played, with the design's suffix
 * @param era the kernels it stands for
 * @param verdict result.json's verdict, or {@code n/a} when KVM or QEMU refuse the combination (the loader's message is
 *     in {@code because})
 * @param guest the guest's effective type and EPT leaf, {@code EFAULT} when KVM cannot map the pages, empty if none
 * @param rules the DOMAIN rules cited in {@code because}, in order: the short form of the table
 * @param sound the monitor missed nothing and invented nothing against the ground truth of the run's traces
 */
public record MapEntry(
        String design,
        String row,
        String cpu,
        String kernel,
        String era,
        String placement,
        String migration,
        String verdict,
        List<String> hazards,
        @JsonProperty("migration_status") String migrationStatus,
        String guest,
        List<String> rules,
        List<String> because,
        boolean sound) {

    /** The verdict of a combination KVM or QEMU refuse before anything runs. */
    public static final String NOT_APPLICABLE = "n/a";

    public MapEntry {
        hazards = List.copyOf(hazards);
        rules = List.copyOf(rules);
        because = List.copyOf(because);
    }

    /** Consistent or a benign alias: no stale data possible. */
    public boolean coherent() {
        return "consistent".equals(verdict) || "benign-alias".equals(verdict);
    }

    /** The same answer as {@code o} (verdict, hazards, guest type, deciding rules), whatever the kernel. */
    boolean sameAnswer(MapEntry o) {
        return sameAnswerBut(o) && migrationStatus.equals(o.migrationStatus);
    }

    /** The same answer as {@code o} apart from the migration outcome. */
    boolean sameAnswerBut(MapEntry o) {
        return verdict.equals(o.verdict) && hazards.equals(o.hazards) && guest.equals(o.guest) && rules.equals(o.rules);
    }
}
