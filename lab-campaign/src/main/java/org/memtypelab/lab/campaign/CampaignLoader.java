package org.memtypelab.lab.campaign;

import java.util.List;
import org.memtypelab.lab.scenario.LoadResult;
import org.memtypelab.lab.scenario.Problem;
import org.memtypelab.lab.scenario.ScenarioError;
import org.memtypelab.lab.scenario.ScenarioLoader;
import org.memtypelab.lab.scenario.YamlTree;
import org.memtypelab.lab.scenario.YamlTree.MapNode;

/** Loads a campaign: the spec (a file or a bundled name), its base scenario, and every cell of its matrix. */
public final class CampaignLoader {

    private CampaignLoader() {}

    /** Loads a spec file or bundled campaign name, its base scenario, and every cell. */
    public static CampaignLoad load(String specNameOrPath) {
        return load(CampaignCatalogue.bundled(), specNameOrPath);
    }

    static CampaignLoad load(CampaignCatalogue catalogue, String specNameOrPath) {
        CampaignCatalogue.Source source;
        try {
            source = catalogue.spec(specNameOrPath);
        } catch (CampaignCatalogue.Unresolved e) {
            return new CampaignLoad.Invalid(
                    e.unreadable().orElseGet(() -> ScenarioError.about(specNameOrPath, e.getMessage())));
        }
        return load(catalogue, source);
    }

    /** Loads spec text; a base given as a relative path is looked for next to {@code source.dir()} first. */
    static CampaignLoad load(CampaignCatalogue catalogue, CampaignCatalogue.Source source) {
        try {
            CampaignSpec spec = CampaignSpecReader.read(source.name(), source.text());
            CampaignCatalogue.Source base;
            try {
                base = catalogue.base(spec.base().ref(), source.dir());
            } catch (CampaignCatalogue.Unresolved e) {
                throw new Problem(
                        spec.base().loc(),
                        e.unreadable()
                                .map(error -> "base: the base scenario is invalid: " + error)
                                .orElse("base: '" + spec.base().ref() + "': " + e.getMessage()));
            }
            LoadResult loaded = ScenarioLoader.load(base.name(), base.text());
            if (loaded instanceof ScenarioError error) {
                throw new Problem(spec.base().loc(), "base: the base scenario is invalid: " + error);
            }
            MapNode tree = (MapNode) YamlTree.parse(base.text()).orElseThrow();
            String baseName = ((LoadResult.Loaded) loaded).scenario().name();
            List<Cell> cells = Cells.build(spec, tree, baseName);
            return new CampaignLoad.Ready(new Campaign(spec, base.name(), cells));
        } catch (Problem p) {
            return new CampaignLoad.Invalid(p.toError(source.name()));
        }
    }
}
