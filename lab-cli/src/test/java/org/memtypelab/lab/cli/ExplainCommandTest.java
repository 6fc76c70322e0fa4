package org.memtypelab.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Drives {@code explain} in-process through {@link Main#commandLine} (SCENARIOS.md "explain", "Exit codes"). */
class ExplainCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
        String firstLine() {
            return out.lines().findFirst().orElse("");
        }

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("stdout is not one JSON object: " + out, e);
            }
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        int code = Main.commandLine(o, e).execute(args);
        o.flush();
        e.flush();
        return new Run(code, out.toString(), err.toString());
    }

    static Run explain(String... args) {
        return run(Stream.concat(Stream.of("explain"), Stream.of(args)).toArray(String[]::new));
    }

    static Run explainJson(String... args) {
        Run r = explain(Stream.concat(Stream.of(args), Stream.of("--json")).toArray(String[]::new));
        assertSuccess(r);
        assertThat(r.out().lines().count()).as("one JSON line on stdout").isEqualTo(1);
        return r;
    }

    /** Runs {@code args} as text and as JSON: both answer {@code effective}. Returns the JSON answer. */
    static JsonNode explainedAs(String effective, String... args) {
        Run r = explain(args);
        assertSuccess(r);
        assertThat(r.firstLine()).isEqualTo(effective);
        JsonNode j = explainJson(args).json();
        assertThat(j.get("effective").asText()).isEqualTo(effective);
        return j;
    }

    static void assertSuccess(Run r) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).doesNotContain("Exception").doesNotContain("at org.");
    }

    @Nested
    class BareTable {

        @Test
        void mtrrWbPatWcIsWc() {
            Run r = explain("--mtrr", "WB", "--pat", "WC");
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo("WC");
            assertThat(r.out()).contains("because:").contains("rule 1");
        }

        @ParameterizedTest(name = "MTRR {0} x PAT {1} -> {2}")
        @CsvSource({
            "WB, WB, WB",
            "WB, UC, UC",
            "WB, UC-, UC",
            "WB, WT, WT",
            "UC, WB, UC",
            "UC, WC, WC",
            "WC, UC-, WC",
            "WC, WB, WC",
            "WT, WB, WT",
            "WP, WB, WP",
            "wb, uc_minus, UC",
        })
        void otherCells(String mtrr, String pat, String effective) {
            Run r = explain("--mtrr", mtrr, "--pat", pat);
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo(effective);
        }

        @Test
        void jsonHasTheDocumentedKeysWithNullEpt() {
            JsonNode j = explainJson("--mtrr", "WB", "--pat", "WC").json();
            assertThat(j.isObject()).isTrue();
            assertThat(j.has("cpu")).isTrue();
            assertThat(j.has("kvm")).isTrue();
            assertThat(j.has("ept")).isTrue();
            assertThat(j.get("ept").isNull())
                    .as("ept is null for the bare form")
                    .isTrue();
            assertThat(j.get("effective").asText()).isEqualTo("WC");
            assertThat(j.get("because").isArray()).isTrue();
            assertThat(j.get("because")).isNotEmpty();
            j.get("because").forEach(b -> assertThat(b.isTextual()).isTrue());
        }
    }

    @Nested
    class EptForm {

        @ParameterizedTest(name = "EPT {0} {1} x PAT {2} -> {3}")
        @CsvSource({
            "WB, --no-ipat, UC-, UC", // without IPAT the guest PAT combines with the EPT type
            "WB, --ipat,    WC,  WB", // IPAT ignores the guest PAT
            "6,  --no-ipat, WC,  WC", // the EPT type given as its bits 5:3
        })
        void eptLeafAndPat(String ept, String ipat, String pat, String effective) {
            Run r = explain("--ept", ept, ipat, "--pat", pat);
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo(effective);
        }

        @Test
        void jsonCarriesTheEptLeaf() {
            JsonNode j = explainJson("--ept", "WB", "--ipat", "--pat", "WC").json();
            assertThat(j.get("effective").asText()).isEqualTo("WB");
            assertThat(j.get("ept").get("type").asText()).isEqualTo("WB");
            assertThat(j.get("ept").get("ipat").asBoolean()).isTrue();
        }

        @ParameterizedTest
        @CsvSource({"2", "3", "7"})
        void reservedBitsAreAMisconfiguration(String bits) {
            Run r = explain("--ept", bits, "--ipat", "--pat", "WB");
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo("misconfig");
            assertThat(r.out()).contains("rule 5");
            assertThat(explainJson("--ept", bits, "--ipat", "--pat", "WB")
                            .json()
                            .get("effective")
                            .asText())
                    .isEqualTo("misconfig");
        }

        @ParameterizedTest
        @CsvSource({"--ipat", "--no-ipat"})
        void hardwareCr0CdIsUc(String ipat) {
            Run r = explain("--ept", "WB", ipat, "--pat", "WB", "--cr0-cd");
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo("UC");
            assertThat(r.out()).contains("rule 2");
        }
    }

    @Nested
    class VirtualisedForm {

        @Test
        void defaultsAreWbWithIpat() {
            JsonNode j = explainedAs("WB");
            assertThat(j.get("cpu").asText()).isEqualTo("intel");
            assertThat(j.get("kvm").asText()).isEqualTo("6.16");
            assertThat(j.get("ept").get("type").asText()).isEqualTo("WB");
            assertThat(j.get("ept").get("ipat").asBoolean()).isTrue();
            assertThat(j.get("because")).isNotEmpty();
        }

        @Test
        void defaultsSpelledOutGiveTheSameAnswer() {
            JsonNode implicit = explainJson().json();
            JsonNode explicit = explainJson(
                            "--cpu",
                            "intel",
                            "--kvm",
                            "6.16",
                            "--self-snoop",
                            "--ignore-guest-pat-quirk",
                            "on",
                            "--backing",
                            "ram",
                            "--guest-pat",
                            "WB",
                            "--guest-mtrr",
                            "WB",
                            "--cd-nw-quirk",
                            "on")
                    .json();
            assertThat(explicit).isEqualTo(implicit);
        }

        @Test
        void kvm610MatchesTheDocumentedJsonExample() throws Exception {
            JsonNode j = explainJson("--kvm", "6.10").json();
            JsonNode doc = JSON.readTree("{\"cpu\":\"intel\",\"kvm\":\"6.10\",\"ept\":{\"type\":\"WB\",\"ipat\":true},"
                    + "\"effective\":\"WB\",\"because\":[\"not MMIO, no non-coherent DMA: EPT WB with IPAT (guest PAT"
                    + " ignored)\"]}");
            for (String key : new String[] {"cpu", "kvm", "ept", "effective"}) {
                assertThat(j.get(key)).as(key).isEqualTo(doc.get(key));
            }
            assertThat(j.get("because").isArray()).isTrue();
            assertThat(j.get("because")).isNotEmpty();
        }

        @Test
        void rule14_onlyA611ReleaseCandidateHonoursGuestPatWcOnASelfSnoopCpu() {
            JsonNode rc = explainedAs("WC", "--kvm", "6.11-rc3", "--self-snoop", "--guest-pat", "wc");
            assertThat(rc.get("ept").get("ipat").asBoolean()).isFalse();
            assertThat(rc.get("kvm").asText()).isEqualTo("6.11-rc3");
            for (String released : new String[] {"6.11", "6.11.5"}) {
                JsonNode j = explainedAs("WB", "--kvm", released, "--self-snoop", "--guest-pat", "wc");
                assertThat(j.get("ept").get("ipat").asBoolean()).as(released).isTrue();
            }
        }

        @Test
        void rule15_theQuirkMayBeDisabledOn61278NotOn61277() {
            assertThat(explain("--kvm", "6.12.78", "--ignore-guest-pat-quirk", "off", "--guest-pat", "WC")
                            .firstLine())
                    .isEqualTo("WC");
            Run old = explain("--kvm", "6.12.77", "--ignore-guest-pat-quirk", "off");
            assertThat(old.code()).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(old.err()).contains("6.12.77 has no IGNORE_GUEST_PAT quirk");
        }

        @Test
        void rule10b_explainSaysWhenUcComesFromTheEptType() {
            Run r = explain("--kvm", "6.10", "--noncoherent-dma", "--guest-mtrr", "UC", "--guest-pat", "WB");
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo("UC");
            assertThat(r.out()).contains("footnote 1", "rule 10b");
            Run pat = explain("--kvm", "6.12", "--noncoherent-dma", "--guest-pat", "UC");
            assertThat(pat.firstLine()).isEqualTo("UC");
            assertThat(pat.out()).contains("footnote 2").doesNotContain("rule 10b");
        }

        @Test
        void rule15a_amdHasNoSelfSnoopByDefault() {
            JsonNode j = explainedAs("WC+", "--cpu", "amd", "--guest-pat", "WC");
            assertThat(j.get("cpu").asText()).isEqualTo("amd");
        }

        @Test
        void rule6a_amdGuestCr0CdHasNoEffectWhileTheQuirkIsOn() {
            explainedAs("WC+", "--cpu", "amd", "--guest-pat", "WC", "--cr0-cd");
            explainedAs("unknown", "--cpu", "amd", "--guest-pat", "WC", "--cr0-cd", "--cd-nw-quirk", "off");
        }

        @Test
        void mmioBackingIsUcWithoutIpat() {
            JsonNode j = explainedAs("UC", "--backing", "mmio", "--guest-pat", "WB");
            assertThat(j.get("ept").get("type").asText()).isEqualTo("UC");
            assertThat(j.get("ept").get("ipat").asBoolean()).isFalse();
        }

        @Test
        void amdGuestWcIsWcPlusWithNullEpt() {
            Run r = explain("--cpu", "amd", "--guest-pat", "WC");
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo("WC+");
            assertThat(r.out()).contains("ept:      none (AMD nested paging)");
            Run jr = explainJson("--cpu", "amd", "--guest-pat", "WC");
            assertThat(jr.out()).contains("\"ept\":null");
            JsonNode j = jr.json();
            assertThat(j.get("cpu").asText()).isEqualTo("amd");
            assertThat(j.get("ept").isNull()).isTrue();
            assertThat(j.get("effective").asText()).isEqualTo("WC+");
        }

        @Test
        void amdGuestWbIsUnknownNeverGuessed() {
            JsonNode j = explainedAs("unknown", "--cpu", "amd", "--guest-pat", "WB");
            assertThat(j.get("ept").isNull()).isTrue();
            assertThat(j.get("because")).isNotEmpty();
        }

        @Test
        void quirkOffIsAcceptedWithSelfSnoopOn616() {
            Run r = explain("--ignore-guest-pat-quirk", "off", "--guest-pat", "WC");
            assertSuccess(r);
            assertThat(r.firstLine()).isEqualTo("WC");
        }
    }

    static Stream<Arguments> badInputCases() {
        String pat = "allowed: UC, UC-, WC, WT, WB, WP";
        return Stream.of(
                Arguments.of(new String[] {"--mtrr", "WB", "--pat", "XX"}, "--pat", pat),
                Arguments.of(new String[] {"--guest-pat", "XX"}, "--guest-pat", pat),
                Arguments.of(new String[] {"--mtrr", "UC-", "--pat", "WB"}, "--mtrr", "allowed: UC, WC, WT, WB, WP"),
                Arguments.of(
                        new String[] {"--ept", "UC-", "--ipat", "--pat", "WB"}, "--ept", "allowed: UC, WC, WT, WP, WB"),
                Arguments.of(
                        new String[] {"--ignore-guest-pat-quirk", "off", "--no-self-snoop"},
                        "--ignore-guest-pat-quirk",
                        "allowed: omit it, on"),
                Arguments.of(
                        new String[] {"--kvm", "6.10", "--ignore-guest-pat-quirk", "off"},
                        "--ignore-guest-pat-quirk",
                        "allowed: omit it"),
                Arguments.of(
                        new String[] {"--cpu", "amd", "--ignore-guest-pat-quirk", "on"},
                        "--ignore-guest-pat-quirk",
                        "allowed: omit it"),
                Arguments.of(
                        new String[] {"--ignore-guest-pat-quirk", "maybe"},
                        "--ignore-guest-pat-quirk",
                        "allowed: on, off"),
                Arguments.of(
                        new String[] {"--kvm", "six"},
                        "--kvm",
                        "accepted forms: MAJOR.MINOR (a release, 6.16), MAJOR.MINOR.PATCH (a stable kernel, 6.12.78) or MAJOR.MINOR-rcN"),
                Arguments.of(
                        new String[] {"--kvm", "6.10+bogus"},
                        "--kvm",
                        "allowed: kvm-mem-dma, uc-to-wc, honor-guest-pat, inspect-hva, force-host-type, slot-memtype,"),
                Arguments.of(new String[] {"--cpu", "arm"}, "--cpu", "allowed: intel, amd"),
                Arguments.of(new String[] {"--backing", "disk"}, "--backing", "allowed: ram, mmio"),
                Arguments.of(
                        new String[] {"--mtrr", "WB", "--pat", "WB", "--kvm", "6.10"},
                        "--kvm",
                        "allowed there: --mtrr, --pat"),
                Arguments.of(
                        new String[] {"--ept", "WB", "--ipat", "--pat", "WB", "--guest-pat", "WC"},
                        "--guest-pat",
                        "allowed there: --ept, --ipat|--no-ipat, --pat, --cr0-cd"),
                Arguments.of(
                        new String[] {"--mtrr", "WB", "--ept", "WB", "--pat", "WB"},
                        "--mtrr",
                        "allowed: --mtrr TYPE --pat TYPE, or --ept TYPE|BITS --ipat|--no-ipat --pat TYPE"),
                Arguments.of(
                        new String[] {"--mtrr", "WB", "--ept", "WB"},
                        "--ept",
                        "allowed: --mtrr TYPE --pat TYPE, or --ept TYPE|BITS --ipat|--no-ipat --pat TYPE"),
                Arguments.of(new String[] {"--ept", "WB", "--pat", "WB"}, "--ipat", "--ipat or --no-ipat"),
                Arguments.of(new String[] {"--mtrr", "WB"}, "--pat", pat),
                Arguments.of(
                        new String[] {"--guest-pat", "WC", "--pat", "WC"},
                        "--pat",
                        "--guest-pat TYPE, allowed: UC, UC-, WC, WT, WB, WP"),
                Arguments.of(
                        new String[] {"--ipat"},
                        "--ipat",
                        "--mtrr TYPE --pat TYPE, or --ept TYPE|BITS --ipat|--no-ipat"),
                Arguments.of(
                        new String[] {"--mtrr", "WB", "--pat", "WB", "--ipat"},
                        "--ipat",
                        "allowed with --mtrr: --mtrr TYPE --pat TYPE"),
                Arguments.of(
                        new String[] {"--mtrr", "WB", "--pat", "WB", "--cr0-cd"},
                        "--cr0-cd",
                        "allowed with --mtrr: --mtrr TYPE --pat TYPE"),
                Arguments.of(
                        new String[] {"--ept", "8", "--ipat", "--pat", "WB"}, "--ept", "allowed: UC, WC, WT, WP, WB"),
                Arguments.of(new String[] {"--kvm", "1.0"}, "--kvm", "2..7"),
                Arguments.of(new String[] {"--kvm", "99999999999.1"}, "--kvm", "accepted forms: MAJOR.MINOR"),
                Arguments.of(new String[] {"--kvm", "6.99999999999"}, "--kvm", "accepted forms: MAJOR.MINOR"),
                Arguments.of(new String[] {"--kvm", "6.11rc3"}, "--kvm", "MAJOR.MINOR-rcN (a release candidate"),
                Arguments.of(
                        new String[] {"--cpu", "amd", "--self-snoop"},
                        "--self-snoop",
                        "allowed with --cpu amd: omit it, or --no-self-snoop"),
                Arguments.of(new String[] {"--cd-nw-quirk", "maybe"}, "--cd-nw-quirk", "allowed: on, off"),
                Arguments.of(
                        new String[] {"--slot-memtype", "WC"},
                        "--slot-memtype",
                        "+slot-memtype (e.g. --kvm 6.16+slot-memtype)"));
    }

    @Nested
    class BadInput {

        @ParameterizedTest(name = "{index}: explain {0}")
        @MethodSource("org.memtypelab.lab.cli.ExplainCommandTest#badInputCases")
        void exitsTwoWithOneLineNamingTheOptionAndItsAllowedValues(String[] args, String option, String allowed) {
            Run r = explain(args);
            assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(r.out()).as("stdout").isEmpty();
            assertThat(r.err().lines()).as("stderr lines").hasSize(1);
            String line = r.err().lines().findFirst().orElseThrow();
            assertThat(line)
                    .startsWith("memtype-lab explain: ")
                    .contains(option)
                    .contains(allowed);
            assertThat(r.err())
                    .doesNotContain("Exception")
                    .doesNotContain("at org.")
                    .doesNotContain("\tat ");
        }

        @Test
        void quirkRejectionOnOldKernelOffersOnlyOmission() {
            Run r = explain("--kvm", "6.10", "--ignore-guest-pat-quirk", "off");
            assertThat(r.err().strip()).endsWith("allowed: omit it");
        }

        @Test
        void bareFormPatInKvmFormListsTheGuestPatTypes() {
            Run r = explain("--guest-pat", "WC", "--pat", "WC");
            assertThat(r.err()).contains("allowed:");
        }

        @Test
        void unknownOptionIsBadInput() {
            Run r = explain("--frobnicate");
            assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).contains("--frobnicate").doesNotContain("Exception");
        }

        @Test
        void slotMemtypeIsAcceptedWithThePatch() {
            Run r = explain("--kvm", "6.16+slot-memtype", "--slot-memtype", "WC");
            assertSuccess(r);
            assertThat(r.firstLine()).isNotBlank();
        }
    }
}
