package org.memtypelab.lab.scenario;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.memtypelab.lab.scenario.YamlTree.Loc;

/** References to steps by kind and ordinal ({@code guest-write#2}) or by number, checked against the steps. */
final class StepRefs {

    private StepRefs() {}

    /** Parses {@code KIND[#ORDINAL]} (ordinal from 1, default 1) or a bare step number {@code N}. */
    static Fault.Trigger parse(String text, Loc loc, String path) {
        String t = text.trim();
        if (t.matches("\\d+")) {
            int n = parsePositive(t, loc, path);
            return new Fault.AtStep(n);
        }
        int hash = t.indexOf('#');
        String kindText = hash < 0 ? t : t.substring(0, hash);
        StepKind kind = Arrays.stream(StepKind.values())
                .filter(k -> k.label().equals(kindText))
                .findFirst()
                .orElseThrow(() -> new Problem(
                        loc,
                        path + ": '" + kindText + "' is not a step kind (write KIND or " + "KIND#ORDINAL); allowed: "
                                + ScenarioLoader.stepKinds()));
        int ordinal = hash < 0 ? 1 : parsePositive(t.substring(hash + 1), loc, path);
        return new Fault.AtKind(kind, ordinal);
    }

    /** Fails unless the trigger names one of {@code steps}. */
    static void requireExists(Fault.Trigger trigger, List<Step> steps, Loc loc, String path) {
        if (trigger.resolve(steps).isPresent()) {
            return;
        }
        if (trigger instanceof Fault.AtStep s) {
            throw new Problem(loc, path + ": there is no step " + s.number() + "; allowed: 1.." + steps.size());
        }
        Fault.AtKind k = (Fault.AtKind) trigger;
        long count = steps.stream().filter(s -> s.kind() == k.kind()).count();
        if (count == 0) {
            Set<String> present = new LinkedHashSet<>();
            steps.forEach(s -> present.add(s.kind().label()));
            throw new Problem(
                    loc,
                    path + ": no step has kind " + k.kind().label() + "; kinds present: " + String.join(", ", present));
        }
        String allowed = count == 1
                ? k.kind().label() + "#1"
                : k.kind().label() + "#1.." + k.kind().label() + "#" + count;
        throw new Problem(
                loc,
                path + ": " + k + " names no step: the scenario has " + count + " "
                        + k.kind().label() + " step(s); allowed: " + allowed);
    }

    private static int parsePositive(String text, Loc loc, String path) {
        if (text.matches("\\d{1,6}") && Integer.parseInt(text) >= 1) {
            return Integer.parseInt(text);
        }
        throw new Problem(loc, path + ": '" + text + "' is not a step ordinal or number; allowed: 1, 2, ...");
    }
}
