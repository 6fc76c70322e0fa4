package org.memtypelab.core.memtype;

/** What the SDM footnotes of the MTRR x PAT table say about a cell (DOMAIN 1.3). */
public enum Snoop {
    /** An ordinary cell: no footnote. */
    NONE(""),
    /** Footnote 1: UC came from the MTRR, the CPU need not snoop (data can never have been cached). */
    UC_FROM_MTRR_NO_SNOOP("UC comes from the MTRR: the CPU need not snoop its caches (SDM footnote 1)"),
    /** Footnote 2: UC came from the PTE, the CPU snoops because aliasing may have left data cached. */
    UC_FROM_PAT_SNOOPS(
            "UC comes from the PAT: the CPU snoops its caches, aliasing may have left data cached (SDM footnote 2)");

    private final String explanation;

    Snoop(String explanation) {
        this.explanation = explanation;
    }

    public String explanation() {
        return explanation;
    }
}
