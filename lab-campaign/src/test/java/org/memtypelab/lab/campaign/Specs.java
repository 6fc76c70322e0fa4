package org.memtypelab.lab.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

/** Loads campaign specs from text for tests, as if from a file named {@code spec.yaml}. */
final class Specs {

    private Specs() {}

    static CampaignLoad load(String yaml) {
        return CampaignLoader.load(
                CampaignCatalogue.bundled(), new CampaignCatalogue.Source("spec.yaml", yaml, Optional.empty()));
    }

    static Campaign ready(String yaml) {
        CampaignLoad r = load(yaml);
        assertThat(r).as("%s", r).isInstanceOf(CampaignLoad.Ready.class);
        return ((CampaignLoad.Ready) r).campaign();
    }
}
