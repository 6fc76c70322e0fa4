package org.memtypelab.core.memtype;

import java.util.ArrayList;
import java.util.List;

/**
 * AMD nested paging under KVM (DOMAIN 1.5, rule 6): KVM leaves the NPT PAT bits zero, so host PAT index 0 (WB
 * under Linux) is combined with the guest PAT type, then with the host MTRR. Only the cells DOMAIN.md verifies are
 * answered; every other cell is {@link Effective.Unknown}.
 */
public final class AmdNpt {

    private AmdNpt() {}

    /** The host PAT type KVM's NPT entries select: index 0 of Linux's IA32_PAT (rule 6, rule 7). */
    public static final MemType HOST_PAT = PatMsr.LINUX.entry(0).orElseThrow();

    /**
     * The effective type of a guest access on AMD.
     *
     * @param guestPat the guest PTE's PAT type
     * @param hostMtrr the host MTRR type of the page (WB for ordinary RAM)
     * @param guestCr0Cd CR0.CD as the hardware sees it: only with CD_NW_CLEARED disabled does the guest's CD reach it
     *     (rule 6a)
     */
    public static Effective access(MemType guestPat, MemType hostMtrr, boolean guestCr0Cd) {
        List<String> because = new ArrayList<>();
        because.add("DOMAIN rule 6: KVM puts no memtype bits in NPT entries -> host PAT index 0 = " + HOST_PAT
                + " (Linux layout)");
        if (guestCr0Cd) {
            because.add("DOMAIN rule 6a: without CD_NW_CLEARED the guest's CR0.CD reaches the hardware, which puts the"
                    + " caches into no-fill mode; the resulting type is not verified");
            return new Effective.Unknown(because);
        }
        MemType combined;
        if (guestPat == MemType.WC) {
            combined = MemType.WC_PLUS;
            because.add("DOMAIN rule 6: host WB x guest WC -> WC+ (uncacheable, write-combining, snoops caches)");
        } else if (guestPat == MemType.UC_MINUS) {
            combined = MemType.CD;
            because.add("DOMAIN rule 6: host WB x guest UC- -> CD (behaves as UC)");
        } else {
            because.add("DOMAIN 1.5 [U]: host WB x guest " + guestPat + " is not verified (APM table 15-19)");
            return new Effective.Unknown(because);
        }
        if (hostMtrr != MemType.WB) {
            because.add("DOMAIN 1.5 [U]: combining " + combined + " with host MTRR " + hostMtrr + " is not verified");
            return new Effective.Unknown(because);
        }
        because.add("host MTRR WB leaves " + combined + " unchanged (the SimpleSvm comment states the host-WB result)");
        return new Effective.Known(combined, because);
    }
}
