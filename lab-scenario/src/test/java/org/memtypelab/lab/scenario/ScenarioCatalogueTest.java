package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioCatalogueTest {

    private final ScenarioCatalogue catalogue = ScenarioCatalogue.bundled();

    @Test
    void everyScenarioInTheIndexIsBundledAndLoads() {
        assertThat(catalogue.names()).isNotEmpty().doesNotHaveDuplicates();
        for (String name : catalogue.names()) {
            LoadResult r = catalogue.loadBundled(name).orElse(null);
            assertThat(r)
                    .as("scenarios/%s.yaml is listed in index.txt but not bundled", name)
                    .isNotNull();
            assertThat(r).as("%s: %s", name, r).isInstanceOf(LoadResult.Loaded.class);
        }
    }

    @Test
    void listGivesNameAndOneLineDescription() {
        assertThat(catalogue.list())
                .contains(new ScenarioCatalogue.Entry(
                        "examples/amdgpu-uswc-status-quo",
                        "Guest maps a USWC GTT buffer WC; KVM 6.16 (quirk on) ignores guest PAT."));
    }

    @Test
    void resolvesABundledNameWithOrWithoutExtension() {
        assertThat(catalogue.resolve("examples/amdgpu-uswc-status-quo").loaded())
                .isPresent();
        assertThat(catalogue.resolve("examples/amdgpu-uswc-status-quo.yaml").loaded())
                .isPresent();
    }

    @Test
    void resolvesAFilePathBeforeABundledName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, "name: mine\nsteps:\n  - migrate: {}\n");

        LoadResult r = catalogue.resolve(file.toString());

        assertThat(r.loaded()).hasValueSatisfying(s -> {
            assertThat(s.name()).isEqualTo("mine");
            assertThat(s.sourceFile()).isEqualTo(file.toString());
        });
    }

    @Test
    void errorsInAFileNameTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\nsteps:\n  - migrate: {}\nseed: x\n");

        assertThat(catalogue.resolve(file.toString()).toString())
                .isEqualTo(file + ":4:7: seed: expected an integer," + " found 'x'");
    }

    @Test
    void anUnknownNameSuggestsTheClosestNamesWithoutAFakePosition() {
        LoadResult r = catalogue.resolve("thread/option-0-status-qou");

        assertThat(r).isInstanceOf(ScenarioError.class);
        assertThat(r.toString())
                .isEqualTo("'thread/option-0-status-qou': no such scenario file or bundled scenario; did you mean"
                        + " thread/option-0-status-quo? (./memtype-lab catalogue lists them all)");
    }

    @Test
    void aPartOfANameFindsTheNamesContainingIt() {
        assertThat(DidYouMean.among("option-5", catalogue.names()))
                .containsExactly("thread/option-5-dma-buf-memslot", "thread/option-5-dmabuf-slot-guest-type");
        assertThat(catalogue.resolve("nothing-like-it").toString())
                .endsWith("see ./memtype-lab catalogue for the names")
                .doesNotContain("examples/");
    }
}
