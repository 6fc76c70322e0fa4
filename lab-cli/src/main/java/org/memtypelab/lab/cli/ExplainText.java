package org.memtypelab.lab.cli;

import java.util.List;
import org.memtypelab.core.explain.Explanation;

/** The human form of an {@code explain} answer: the type on the first line, then the steps that led to it. */
final class ExplainText {

    private ExplainText() {}

    static String render(Explanation a) {
        StringBuilder sb = new StringBuilder();
        sb.append(a.effective().label()).append('\n');
        switch (a.form()) {
            case TABLE -> sb.append("  form:     bare x86 table (Intel SDM table 11-7, MTRR x PAT)\n");
            case EPT -> sb.append("  form:     Intel EPT leaf + guest PAT (hardware rules)\n");
            case KVM ->
                sb.append("  form:     guest access under KVM ")
                        .append(a.kvm().orElseThrow())
                        .append(" on ")
                        .append(a.cpu().label())
                        .append('\n');
        }
        a.ept().ifPresent(e -> sb.append("  ept:      ").append(e).append('\n'));
        if (a.form() == org.memtypelab.core.explain.Explainer.Form.KVM
                && a.ept().isEmpty()) {
            sb.append("  ept:      none (AMD nested paging)\n");
        }
        sb.append("  because:\n");
        List<String> because = a.effective().because();
        for (int i = 0; i < because.size(); i++) {
            sb.append("    ").append(i + 1).append(". ").append(because.get(i)).append('\n');
        }
        return sb.toString();
    }
}
