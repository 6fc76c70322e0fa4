package org.memtypelab.lab.campaign;

import org.memtypelab.lab.scenario.ScenarioError;

/** The outcome of loading a campaign: every cell validated, or one error at the spec's line and column (exit 2). */
public sealed interface CampaignLoad permits CampaignLoad.Ready, CampaignLoad.Invalid {

    /** A campaign ready to run. */
    record Ready(Campaign campaign) implements CampaignLoad {}

    /** A mistake in the spec (or its base scenario), located like a scenario error. */
    record Invalid(ScenarioError error) implements CampaignLoad {}
}
