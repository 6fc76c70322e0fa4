package org.memtypelab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.memtypelab.core.explain.Explainer;
import org.memtypelab.core.kvm.CpuVendor;
import org.memtypelab.core.kvm.GuestPage;
import org.memtypelab.core.kvm.KvmPlatform;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.MemType;
import org.memtypelab.documents.Documents;
import org.memtypelab.documents.RunResult;

/** The rule chain a hazard row shows: explain's, recomputed from what the run recorded. */
class RuleChainTest {

    static final String YAML = "name: t\nplatform: {cpu: intel, self-snoop: false, kvm: \"6.16\"}\n";

    /** A status-quo run: the guest maps b0 WB (EPT WB +IPAT) with map_info's WC; the renderer maps it WC. */
    static RunResult result(String eptType, boolean ipat, String guestType) throws Exception {
        return Documents.JSON.readValue("""
                {"scenario":"t","seed":1,"verdict":"hazard","complete":true,"wall_ms":1,
                 "mappings":[{"buffer":"b0","who":"renderer","type":"WC"},
                             {"buffer":"b0","who":"guest","type":"%s","ept":{"type":"%s","ipat":%s}}],
                 "hazards":[{"buffer":"b0","between":["guest","renderer"],"types":["WB","WC"],
                             "kind":"memtype-alias","step":4,"witness":"w"},
                            {"buffer":"b0","between":["qemu","renderer"],"types":["WB","WC"],
                             "kind":"memtype-alias","step":3,"witness":"w"}],
                 "steps":[{"n":4,"kind":"guest-map","ok":true,"node":"kvm-node",
                           "detail":"guest maps b0 with guest PAT WC from map_info (rule 30) -> WB"}]}
                """.formatted(guestType, eptType, ipat), RunResult.class);
    }

    @Test
    void theChainIsExplainsForTheRecordedPlatformAndGuestPatPlusWhyTheTypesAreNotCoherent() throws Exception {
        RunResult r = result("WB", true, "WB");

        RuleChain chain =
                RuleChain.of(r.hazards().get(0), r, RuleChain.platform(YAML)).orElseThrow();

        assertThat(chain.command())
                .isEqualTo("./memtype-lab explain --cpu intel --kvm 6.16 --no-self-snoop --guest-pat WC");
        List<String> expected = new ArrayList<>(Explainer.kvm(
                        new KvmPlatform(CpuVendor.INTEL, KvmVersion.of(6, 16), false, true, true),
                        GuestPage.ram(MemType.WC))
                .effective()
                .because());
        assertThat(expected).isNotEmpty();
        assertThat(chain.because()).startsWith(expected.toArray(String[]::new));
        assertThat(chain.because()).hasSize(expected.size() + 1);
        assertThat(chain.because().get(expected.size()))
                .startsWith("guest WB vs renderer WC: ")
                .contains("DOMAIN rule 10a");
    }

    @Test
    void whenExplainDoesNotReproduceTheRecordedLeafTheEptFormOfThatLeafIsShown() throws Exception {
        // EPT UC without IPAT: what non-coherent DMA would give; the run does not record why, explain's KVM form
        // with the recorded platform answers WB +IPAT instead
        RunResult r = result("UC", false, "UC");

        RuleChain chain =
                RuleChain.of(r.hazards().get(0), r, RuleChain.platform(YAML)).orElseThrow();

        assertThat(chain.command()).isEqualTo("./memtype-lab explain --ept UC --no-ipat --pat WC");
        assertThat(chain.because().get(0)).startsWith("KVM chose EPT UC without IPAT from inputs");
        assertThat(chain.because())
                .containsAll(
                        Explainer.ept(0, false, MemType.WC, false).effective().because());
    }

    @Test
    void aHazardWithoutTheGuestHasNoChain() throws Exception {
        RunResult r = result("WB", true, "WB");

        assertThat(RuleChain.of(r.hazards().get(1), r, RuleChain.platform(YAML)))
                .isEmpty();
    }

    @Test
    void thePlatformTakesExplainsDefaultsForWhatTheScenarioOmits() {
        RuleChain.Platform p = RuleChain.platform("name: t\n").orElseThrow();

        assertThat(p.platform()).isEqualTo(KvmPlatform.defaults());
        assertThat(RuleChain.platform("platform: {kvm: \"nonsense\"}\n")).isEqualTo(Optional.empty());
    }
}
