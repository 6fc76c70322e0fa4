package org.memtypelab.lab.scenario;

/** A user mistake found while reading a scenario; caught by the loader and turned into a {@link ScenarioError}. */
public final class Problem extends RuntimeException {

    private final YamlTree.Loc loc;

    public Problem(YamlTree.Loc loc, String message) {
        super(message, null, false, false);
        this.loc = loc;
    }

    public YamlTree.Loc loc() {
        return loc;
    }

    public ScenarioError toError(String file) {
        return new ScenarioError(file, loc.line(), loc.column(), getMessage());
    }
}
