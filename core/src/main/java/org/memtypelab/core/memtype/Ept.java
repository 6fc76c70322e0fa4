package org.memtypelab.core.memtype;

import java.util.ArrayList;
import java.util.List;

/** The Intel EPT memory-type rules: leaf type + IPAT, guest PAT, hardware CR0.CD (DOMAIN 1.4, rules 2-5). */
public final class Ept {

    private Ept() {}

    /** An EPT leaf entry's memory-type fields: bits 5:3 as a type, and the ignore-PAT bit 6. */
    public record Entry(MemType type, boolean ipat) {
        public Entry {
            if (!type.isValidEpt()) {
                throw new IllegalArgumentException(
                        type + " is not an EPT type; allowed: " + MemType.labels(MemType.EPT_TYPES));
            }
        }

        @Override
        public String toString() {
            return "EPT " + type + (ipat ? " with IPAT" : " without IPAT");
        }
    }

    /** The outcome of a guest access through one EPT leaf. */
    public sealed interface Access permits Access.Effective, Access.Misconfiguration {
        /** The access happens with this memory type. */
        record Effective(MemType type, List<String> because) implements Access {}

        /** Rule 5: reserved EPT memory type, the access exits to the hypervisor instead of happening. */
        record Misconfiguration(int bits, List<String> because) implements Access {}

        List<String> because();
    }

    /** Decodes EPT bits 5:3 and applies the rules; 2, 3 and 7 are an EPT misconfiguration (rule 5). */
    public static Access access(int eptBits, boolean ipat, MemType guestPat, boolean hardwareCr0Cd) {
        return MemType.fromEptEncoding(eptBits)
                .<Access>map(t -> access(new Entry(t, ipat), guestPat, hardwareCr0Cd))
                .orElseGet(() -> new Access.Misconfiguration(
                        eptBits,
                        List.of("DOMAIN rule 5: EPT memory type " + eptBits
                                + " is reserved -> EPT misconfiguration (VM exit), never a memory access")));
    }

    /** The effective type of a guest access with this leaf, guest PAT type and hardware CR0.CD (rules 2-4). */
    public static Access.Effective access(Entry entry, MemType guestPat, boolean hardwareCr0Cd) {
        List<String> because = new ArrayList<>();
        if (hardwareCr0Cd) {
            because.add("DOMAIN rule 2: CR0.CD=1 -> UC regardless of EPT and PAT");
            return new Access.Effective(MemType.UC, because);
        }
        if (entry.ipat()) {
            because.add("DOMAIN rule 3: IPAT=1 -> the EPT type " + entry.type() + " wins, guest PAT " + guestPat
                    + " is ignored");
            return new Access.Effective(entry.type(), because);
        }
        MtrrPatTable.Cell cell = MtrrPatTable.lookup(entry.type(), guestPat);
        because.add("DOMAIN rule 4: IPAT=0 -> SDM table 11-7 with EPT " + entry.type()
                + " in the MTRR role and guest PAT " + guestPat + " -> " + cell.type());
        if (cell.snoop() != Snoop.NONE) {
            because.add(cell.snoop().explanation());
        }
        return new Access.Effective(cell.type(), because);
    }
}
