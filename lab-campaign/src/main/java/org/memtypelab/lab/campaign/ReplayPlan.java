package org.memtypelab.lab.campaign;

import java.util.Optional;
import org.memtypelab.documents.RunResult;
import org.memtypelab.lab.run.FaultPlan;
import org.memtypelab.lab.scenario.Scenario;

/**
 * The fault plan a recorded run was played with, rebuilt for {@code replay}: a campaign's oracle run had none, its
 * faulty runs had the seeded random plan of their campaign's rates (not the scenario's own faults), and a {@code run}
 * had the scenario's own. The rebuilt plan must describe itself as the recorded one did, or it is not the same plan.
 */
public final class ReplayPlan {

    private ReplayPlan() {}

    /** The plan, or empty when the plan rebuilt from the seed is not the one result.json recorded. */
    public static Optional<FaultPlan> of(Scenario scenario, RunResult recorded) {
        RunResult.CampaignRun c = recorded.campaign();
        if (c == null) {
            return Optional.of(FaultPlan.of(scenario));
        }
        RunResult.RandomFaultRates rates = c.randomFaults();
        FaultPlan plan = rates == null
                ? FaultPlan.NONE
                : RandomFaults.plan(
                        scenario,
                        recorded.seed(),
                        new CampaignSpec.Faults(rates.messages(), rates.kills(), rates.partitions(), 1));
        return Runs.describe(plan).equals(c.faultPlan()) ? Optional.of(plan) : Optional.empty();
    }
}
