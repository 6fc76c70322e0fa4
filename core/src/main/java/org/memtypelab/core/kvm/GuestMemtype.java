package org.memtypelab.core.kvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memtypelab.core.memtype.AmdNpt;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;

/** The effective CPU memory type of a guest access under KVM: EPT policy then hardware rules, or AMD NPT. */
public final class GuestMemtype {

    /** The EPT leaf (absent on AMD) and the effective type with every step that led to it. */
    public record Resolution(Optional<Ept.Entry> ept, Effective effective) {}

    private GuestMemtype() {}

    public static Resolution resolve(KvmPlatform platform, GuestPage page) {
        if (platform.cpu() == CpuVendor.AMD) {
            return amd(platform, page);
        }
        EptPolicy.Decision d = EptPolicy.decide(platform, page);
        List<String> because = new ArrayList<>();
        because.add(d.because());
        // DOMAIN rule 2 note: KVM keeps guest CR0.CD away from the hardware (KVM_VM_CR0_ALWAYS_OFF) and emulates it
        // only through the EPT type chosen above, so the hardware CR0.CD rule never applies here.
        Ept.Access.Effective access = Ept.access(d.entry(), page.guestPat(), false);
        because.addAll(access.because());
        if (access.type() == MemType.UC && d.entry().type() == MemType.UC) {
            because.add("DOMAIN rule 10b: this UC comes from the EPT type, which takes the MTRR's role: SDM footnote 1"
                    + " applies - the access need not snoop, so lines a cacheable alias left dirty may be missed");
        }
        return new Resolution(Optional.of(d.entry()), new Effective.Known(access.type(), because));
    }

    private static Resolution amd(KvmPlatform platform, GuestPage page) {
        if (page.mmio()) {
            return new Resolution(
                    Optional.empty(),
                    new Effective.Unknown(List.of(
                            "DOMAIN rule 6: NPT combines guest PAT " + page.guestPat() + " with host PAT WB and then"
                                    + " the host MTRR of the BAR",
                            "DOMAIN 1.5 [U]: the host MTRR type of a BAR and its combination are not verified")));
        }
        if (page.guestCr0Cd() && platform.cdNwQuirk()) {
            // DOMAIN rule 6a: svm_set_cr0() clears CD and NW in the hardware CR0 while the quirk is on
            Effective e = AmdNpt.access(page.guestPat(), MemType.WB, false);
            List<String> because = new ArrayList<>();
            because.add("DOMAIN rule 6a: guest CR0.CD=1, but CD_NW_CLEARED keeps it out of the hardware CR0: no"
                    + " caching effect");
            because.addAll(e.because());
            return new Resolution(
                    Optional.empty(),
                    e instanceof Effective.Known k
                            ? new Effective.Known(k.type(), because)
                            : new Effective.Unknown(because));
        }
        return new Resolution(Optional.empty(), AmdNpt.access(page.guestPat(), MemType.WB, page.guestCr0Cd()));
    }
}
