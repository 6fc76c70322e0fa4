package org.memtypelab.core.memtype;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The IA32_PAT MSR: eight one-byte entries that a PTE's PAT/PCD/PWT bits select from (DOMAIN 1.2, rule 7). */
public record PatMsr(long value) {

    /** Power-on/reset value: WB, WT, UC-, UC, WB, WT, UC-, UC (DOMAIN 1.2). */
    public static final PatMsr RESET = new PatMsr(0x0007040600070406L);
    /** Linux's layout from pat_init(): WB, WC, UC-, UC, WB, WP, UC-, WT (DOMAIN 1.2). */
    public static final PatMsr LINUX = new PatMsr(0x0407050600070106L);
    /** Linux's layout on CPUs with PAT errata: entries 5 and 7 become WC and UC (DOMAIN 1.2). */
    public static final PatMsr LINUX_ERRATA = new PatMsr(0x0007010600070106L);

    /** PTE PAT index = 4*PAT + 2*PCD + PWT (rule 7). */
    public static int index(boolean pat, boolean pcd, boolean pwt) {
        return (pat ? 4 : 0) + (pcd ? 2 : 0) + (pwt ? 1 : 0);
    }

    /** The raw encoding of entry {@code i} (0..7). */
    public int rawEntry(int i) {
        if (i < 0 || i > 7) {
            throw new IllegalArgumentException("PAT index must be 0..7, was " + i);
        }
        return (int) ((value >>> (8 * i)) & 0xff);
    }

    /** The type of entry {@code i}, or empty if the entry holds a reserved encoding (writing it would #GP). */
    public Optional<MemType> entry(int i) {
        int raw = rawEntry(i);
        return raw > 7 ? Optional.empty() : MemType.fromPatEncoding(raw);
    }

    /** The type a PTE with these bits gets from this MSR. */
    public Optional<MemType> select(boolean pat, boolean pcd, boolean pwt) {
        return entry(index(pat, pcd, pwt));
    }

    /** The lowest index holding {@code type}, i.e. the PTE bits a kernel would use to ask for it. */
    public Optional<Integer> indexOf(MemType type) {
        for (int i = 0; i < 8; i++) {
            if (entry(i).equals(Optional.of(type))) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** All eight entries; a reserved entry is reported as empty. */
    public List<Optional<MemType>> entries() {
        List<Optional<MemType>> out = new ArrayList<>(8);
        for (int i = 0; i < 8; i++) {
            out.add(entry(i));
        }
        return out;
    }
}
