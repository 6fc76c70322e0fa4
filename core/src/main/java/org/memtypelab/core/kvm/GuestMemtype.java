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
            return amd(page);
        }
        EptPolicy.Decision d = EptPolicy.decide(platform, page);
        List<String> because = new ArrayList<>();
        because.add(d.because());
        // DOMAIN rule 2 note: KVM keeps guest CR0.CD away from the hardware (KVM_VM_CR0_ALWAYS_OFF) and emulates it
        // only through the EPT type chosen above, so the hardware CR0.CD rule never applies here.
        Ept.Access.Effective access = Ept.access(d.entry(), page.guestPat(), false);
        because.addAll(access.because());
        return new Resolution(Optional.of(d.entry()), new Effective.Known(access.type(), because));
    }

    private static Resolution amd(GuestPage page) {
        if (page.mmio()) {
            return new Resolution(
                    Optional.empty(),
                    new Effective.Unknown(List.of(
                            "DOMAIN rule 6: NPT combines guest PAT " + page.guestPat() + " with host PAT WB and then"
                                    + " the host MTRR of the BAR",
                            "DOMAIN 1.5 [U]: the host MTRR type of a BAR and its combination are not verified")));
        }
        return new Resolution(Optional.empty(), AmdNpt.access(page.guestPat(), MemType.WB, page.guestCr0Cd()));
    }
}
