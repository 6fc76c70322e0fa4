package org.memtypelab.core.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.GuestMemtype;
import org.memtypelab.core.kvm.GuestPage;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.memtype.Effective;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.core.memtype.MtrrPatTable;
import org.memtypelab.core.memtype.Snoop;

/** Answers "what memory type does this access get, and why" in the three forms of SCENARIOS.md's explain. */
public final class Explainer {

    /** Which of the three {@code explain} forms produced an answer. */
    public enum Form {
        TABLE,
        EPT,
        KVM
    }

    /**
     * DOMAIN rule 10b for a raw EPT leaf: UC that comes from the EPT type (with or without IPAT) is MTRR-originated UC
     * under EPT (Sean: "the EPTs effectively replace the MTRRs"), i.e. SDM footnote 1.
     */
    static final String UC_FROM_EPT = "DOMAIN rule 10b: this UC comes from the EPT type, which replaces the MTRR under"
            + " EPT, so SDM footnote 1 applies: the access need not snoop, and lines a cacheable alias left dirty may"
            + " be missed (DOMAIN 1.4; for IPAT=1 no source says so [I])";

    private Explainer() {}

    /** The bare SDM table: an MTRR type and a PAT type (rule 1). */
    public static Explanation table(MemType mtrr, MemType pat) {
        MtrrPatTable.Cell cell = MtrrPatTable.lookup(mtrr, pat);
        List<String> because = new ArrayList<>();
        because.add("DOMAIN rule 1: SDM table 11-7, MTRR " + mtrr + " x PAT " + pat + " -> " + cell.type());
        if (cell.snoop() != Snoop.NONE) {
            because.add(cell.snoop().explanation());
        }
        if (cell.formerlyUndefined()) {
            because.add("older SDM editions called this combination undefined; CPUs with PAT and MTRRs give "
                    + cell.type() + " (SDM footnote 3)");
        }
        return new Explanation(
                Form.TABLE,
                CpuVendor.INTEL,
                Optional.empty(),
                Optional.empty(),
                new Effective.Known(cell.type(), because));
    }

    /** A raw EPT leaf: bits 5:3, IPAT, the guest PAT type and the hardware CR0.CD (rules 2-5). */
    public static Explanation ept(int eptBits, boolean ipat, MemType guestPat, boolean hardwareCr0Cd) {
        Ept.Access access = Ept.access(eptBits, ipat, guestPat, hardwareCr0Cd);
        if (access instanceof Ept.Access.Effective e) {
            Ept.Entry entry = new Ept.Entry(MemType.fromEptEncoding(eptBits).orElseThrow(), ipat);
            List<String> because = new ArrayList<>(e.because());
            if (!hardwareCr0Cd && e.type() == MemType.UC && entry.type() == MemType.UC) {
                because.add(UC_FROM_EPT);
            }
            return new Explanation(
                    Form.EPT,
                    CpuVendor.INTEL,
                    Optional.empty(),
                    Optional.of(entry),
                    new Effective.Known(e.type(), because));
        }
        return new Explanation(
                Form.EPT,
                CpuVendor.INTEL,
                Optional.empty(),
                Optional.empty(),
                new Effective.Misconfiguration(access.because()));
    }

    /** A guest access under KVM: the kernel's EPT policy (or AMD NPT), then the hardware rules. */
    public static Explanation kvm(KvmPlatform platform, GuestPage page) {
        GuestMemtype.Resolution r = GuestMemtype.resolve(platform, page);
        return new Explanation(Form.KVM, platform.cpu(), Optional.of(platform.kvm()), r.ept(), r.effective());
    }
}
