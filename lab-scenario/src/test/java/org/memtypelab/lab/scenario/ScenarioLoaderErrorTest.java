package org.memtypelab.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioLoaderErrorTest {

    private static final String ALLOC = "  - allocate: {buffer: b0, size: 4KiB, placement: gtt-uswc}\n";

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badInputs")
    void badInputIsReportedAtItsKeyOrValueWithWhatIsAllowed(String what, String at, String yaml, String fragment) {
        LoadResult r = ScenarioLoader.load("bad.yaml", yaml);

        assertThat(r).as("%s", r).isInstanceOf(ScenarioError.class);
        ScenarioError e = (ScenarioError) r;
        assertThat(e.file()).isEqualTo("bad.yaml");
        assertThat(e.line() + ":" + e.column()).as(e.toString()).isEqualTo(at);
        assertThat(e.message()).contains(fragment);
        assertThat(e.toString()).startsWith("bad.yaml:" + at + ": ");
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("empty file", "1:1", "", "empty scenario file; required keys: name, steps"),
                bad("comments only", "1:1", "# nothing here\n", "empty scenario file"),
                bad("top level is a list", "1:1", "- migrate: {}\n", "a scenario file is a mapping with keys name,"),
                bad("YAML syntax error", "3:1", "name: t\nsteps: [migrate\n", "YAML syntax error: expected ',' or ']'"),
                bad(
                        "unknown top-level key",
                        "2:1",
                        "name: t\nstepz: []\n",
                        "unknown key 'stepz'; allowed keys: name, description, seed, platform, qemu, gpu-process,"
                                + " migration, steps, faults, expect"),
                bad(
                        "duplicate key",
                        "2:1",
                        "name: t\nname: u\nsteps: [migrate: {}]\n",
                        "duplicate key 'name' (first at line 1, column 1)"),
                bad("missing name", "1:1", "steps:\n  - migrate: {}\n", "missing required key 'name'"),
                bad("missing steps", "1:1", "name: t\nseed: 3\n", "missing required key 'steps'"),
                bad("bad name", "1:7", "name: My_Scenario\nsteps:\n  - migrate: {}\n", "([a-z0-9-/]+)"),
                bad(
                        "YAML tag",
                        "1:7",
                        "name: !!java.lang.Runtime t\nsteps:\n  - migrate: {}\n",
                        "YAML tags (tag:yaml.org,2002:java.lang.Runtime) are not allowed"),
                bad(
                        "seed not an integer",
                        "2:7",
                        "name: t\nseed: lots\nsteps:\n  - migrate: {}\n",
                        "seed: expected an integer, found 'lots'"),
                bad(
                        "steps not a list",
                        "2:8",
                        "name: t\nsteps: {migrate: {}}\n",
                        "steps: expected a list of steps, found a mapping"),
                bad(
                        "bad cpu",
                        "3:8",
                        "name: t\nplatform:\n  cpu: arm\nsteps:\n  - migrate: {}\n",
                        "platform.cpu: 'arm' is not allowed; allowed: intel, amd"),
                bad(
                        "self-snoop not a boolean",
                        "3:15",
                        "name: t\nplatform:\n  self-snoop: 1\nsteps:\n  - migrate: {}\n",
                        "platform.self-snoop: expected a boolean, found '1'; allowed: true, false"),
                bad(
                        "bad kernel version",
                        "3:8",
                        "name: t\nplatform:\n  kvm: six\nsteps:\n  - migrate: {}\n",
                        "accepted forms: MAJOR.MINOR (a release, 6.16), MAJOR.MINOR.PATCH (a stable kernel, 6.12.78) or"
                                + " MAJOR.MINOR-rcN (a release candidate, 6.11-rc3)"),
                bad(
                        "release candidate and patch level at once",
                        "3:8",
                        "name: t\nplatform:\n  kvm: \"6.12.78-rc1\"\nsteps:\n  - migrate: {}\n",
                        "6.11-rc3"),
                bad(
                        "self-snoop on AMD (DOMAIN rule 15a)",
                        "4:15",
                        "name: t\nplatform:\n  cpu: amd\n  self-snoop: true\nsteps:\n  - migrate: {}\n",
                        "platform.self-snoop: self-snoop (CPUID.1:EDX[27]) is an Intel feature"),
                bad(
                        "quirk disabled on 6.12.77 (DOMAIN rule 15)",
                        "4:27",
                        "name: t\nplatform:\n  kvm: \"6.12.77\"\n  ignore-guest-pat-quirk: off\nsteps:\n  - migrate: {}\n",
                        "kernel 6.12.77 has no IGNORE_GUEST_PAT quirk (added in 6.16, and in 6.12.y from 6.12.78"),
                bad(
                        "cd-nw-quirk not on|off",
                        "3:16",
                        "name: t\nplatform:\n  cd-nw-quirk: maybe\nsteps:\n  - migrate: {}\n",
                        "platform.cd-nw-quirk"),
                bad(
                        "guest-cr0-cd without a value",
                        "3:19",
                        "name: t\nsteps:\n  - guest-cr0-cd: {}\n",
                        "missing required key 'value'"),
                bad(
                        "guest MTRR type that is not an MTRR type",
                        "5:35",
                        "name: t\nsteps:\n" + ALLOC
                                + "  - export: {buffer: b0}\n  - guest-map: {buffer: b0, mtrr: UC-}\n",
                        "allowed: UC, WC, WT, WB, WP"),
                bad(
                        "virgl with blob before 9.2 (DOMAIN rule 28b)",
                        "3:3",
                        "name: t\nqemu:\n  version: \"9.1\"\nsteps:\n  - migrate: {}\n",
                        "refuses virgl with blob=on at device creation: \"blobs and virgl are not compatible (yet)\""),
                bad(
                        "rutabaga before 8.2 (DOMAIN rule 28b)",
                        "3:3",
                        "name: t\nqemu:\n  version: \"8.1\"\n  virgl: false\n  rutabaga: true\nsteps:\n  - migrate: {}\n",
                        "8.2"),
                bad(
                        "two readings of option 3 at once",
                        "3:8",
                        "name: t\nplatform:\n  kvm: \"6.10+inspect-hva+force-host-type\"\nsteps:\n  - migrate: {}\n",
                        "two readings of option 3"),
                bad(
                        "unknown design patch",
                        "3:8",
                        "name: t\nplatform:\n  kvm: \"6.10+magic\"\nsteps:\n  - migrate: {}\n",
                        "allowed: kvm-mem-dma, uc-to-wc, honor-guest-pat, inspect-hva, force-host-type, slot-memtype,"
                                + " dmabuf-slot-guest-type, dmabuf-slot-exporter-type, dma-excludes-dirty-log,"
                                + " slot-noncoherent"),
                bad(
                        "quirk disabled on 6.10",
                        "4:27",
                        "name: t\nplatform:\n  kvm: \"6.10\"\n  ignore-guest-pat-quirk: off\nsteps:\n  - migrate: {}\n",
                        "kernel 6.10 has no IGNORE_GUEST_PAT quirk (added in 6.16, and in 6.12.y from 6.12.78; DOMAIN rule 15)"),
                bad(
                        "quirk off without self-snoop",
                        "4:27",
                        "name: t\nplatform:\n  self-snoop: false\n  ignore-guest-pat-quirk: off\nsteps:\n"
                                + "  - migrate: {}\n",
                        "refuses to disable IGNORE_GUEST_PAT on a host without self-snoop"),
                bad(
                        "quirk disabled on AMD",
                        "4:27",
                        "name: t\nplatform:\n  cpu: amd\n  ignore-guest-pat-quirk: off\nsteps:\n" + "  - migrate: {}\n",
                        "does not exist on AMD"),
                bad(
                        "quirk not on|off",
                        "3:27",
                        "name: t\nplatform:\n  ignore-guest-pat-quirk: maybe\nsteps:\n" + "  - migrate: {}\n",
                        "expected on or off, found 'maybe'; allowed: on, off"),
                bad(
                        "qemu version",
                        "3:12",
                        "name: t\nqemu:\n  version: nine\nsteps:\n  - migrate: {}\n",
                        "qemu.version: 'nine' is not a QEMU version; allowed: MAJOR.MINOR[.MICRO]"),
                bad(
                        "qemu.import with in-process gpu",
                        "3:3",
                        "name: t\nqemu:\n  import: vk-map-memory\nsteps:\n" + "  - migrate: {}\n",
                        "qemu.import: applies only with gpu: vhost-user-gpu"),
                bad(
                        "bad qemu gpu",
                        "2:13",
                        "name: t\nqemu: {gpu: external}\nsteps:\n  - migrate: {}\n",
                        "allowed: in-process, vhost-user-gpu"),
                bad(
                        "bad migration policy",
                        "3:11",
                        "name: t\nmigration:\n  policy: copy\nsteps:\n  - migrate: {}\n",
                        "allowed: status-quo, ram-copy, blob-as-gpu-state"),
                bad(
                        "bad driver",
                        "2:23",
                        "name: t\ngpu-process: {driver: nouveau}\nsteps:\n  - migrate: {}\n",
                        "allowed: amdgpu, i915, nvidia-proprietary, nvidia-open, udmabuf"),
                bad(
                        "unknown step kind",
                        "3:5",
                        "name: t\nsteps:\n  - guest-wrte: {buffer: b0}\n",
                        "unknown step kind 'guest-wrte'; allowed: allocate, export, map-blob, guest-map, guest-cr0-cd, guest-write,"
                                + " guest-read, gpu-read, gpu-write, renderer-write, renderer-read, set-memory-region,"
                                + " walk-memslots, migrate, unmap-blob, noncoherent-dma"),
                bad(
                        "two kinds in one step",
                        "4:5",
                        "name: t\nsteps:\n" + ALLOC + "    export: {buffer: b0}\n",
                        "a step has exactly one kind key; 'export' follows 'allocate'"),
                bad(
                        "unknown key in a step",
                        "4:28",
                        "name: t\nsteps:\n" + ALLOC + "  - gpu-read: {buffer: b0, offest: 0}\n",
                        "unknown key 'offest'; allowed keys: buffer, offset"),
                bad(
                        "missing key in a step",
                        "4:15",
                        "name: t\nsteps:\n" + ALLOC + "  - gpu-read: {buffer: b0}\n",
                        "steps[2].gpu-read: missing required key 'offset'"),
                bad(
                        "bad size unit",
                        "3:34",
                        "name: t\nsteps:\n  - allocate: {buffer: b0, size: 2MB, placement: gtt-uswc}\n",
                        "units: B, KiB, MiB, GiB, TiB"),
                bad(
                        "placement of another driver, declared after the steps",
                        "3:51",
                        "name: t\nsteps:\n" + ALLOC + "gpu-process:\n  driver: i915\n",
                        "gtt-uswc is not a placement of driver i915 (set by gpu-process.driver at line 5); allowed:"
                                + " shmem-llc, shmem-wc, lmem"),
                bad(
                        "unknown placement",
                        "3:48",
                        "name: t\nsteps:\n  - allocate: {buffer: b0, size: 1, placement: gtt}\n",
                        "'gtt' is not allowed; allowed: gtt-uswc, gtt-cached, vram, shmem-llc"),
                bad(
                        "placement and explicit properties",
                        "3:61",
                        "name: t\nsteps:\n  - allocate: {buffer: b0, size: 4KiB, placement: gtt-uswc, backing: ram}\n",
                        "give either placement or the properties backing, dmabuf-mmap, renderer-map, gpu-snoop"),
                bad(
                        "explicit renderer-map not a host type",
                        "3:82",
                        "name: t\nsteps:\n  - allocate: {buffer: b0, size: 1, backing: ram, dmabuf-mmap: WB,"
                                + " renderer-map: WC+, gpu-snoop: true}\n",
                        "WC+ is not valid as a host mapping type; allowed: UC, UC-, WC, WT, WB, WP"),
                bad(
                        "buffer never allocated",
                        "4:22",
                        "name: t\nsteps:\n" + ALLOC + "  - export: {buffer: b1}\n",
                        "buffer 'b1' is not allocated by an earlier step; allowed: b0"),
                bad(
                        "buffer used before its allocation",
                        "3:22",
                        "name: t\nsteps:\n  - export: {buffer: b0}\n" + ALLOC,
                        "no buffer is allocated yet (add an allocate step before)"),
                bad(
                        "guest-map pat not a PAT type",
                        "4:34",
                        "name: t\nsteps:\n" + ALLOC + "  - guest-map: {buffer: b0, pat: WC+}\n",
                        "WC+ is not valid as a guest PAT type; allowed: UC, UC-, WC, WT, WB, WP"),
                bad(
                        "guest-map pat not a memory type",
                        "4:34",
                        "name: t\nsteps:\n" + ALLOC + "  - guest-map: {buffer: b0, pat: fast}\n",
                        "'fast' is not a memory type; allowed: UC, UC-, WC, WT, WB, WP"),
                bad(
                        "map-blob memtype not valid in EPT",
                        "6:50",
                        "name: t\nplatform:\n  kvm: \"6.10+slot-memtype\"\nsteps:\n" + ALLOC
                                + "  - map-blob: {buffer: b0, gpa: 0x1000, memtype: UC-}\n",
                        "UC- is not valid as a per-slot EPT type; allowed: UC, WC, WT, WP, WB"),
                bad(
                        "map-blob memtype without +slot-memtype",
                        "4:50",
                        "name: t\nsteps:\n" + ALLOC + "  - map-blob: {buffer: b0, gpa: 0x1000, memtype: WC}\n",
                        "needs the +slot-memtype design patch, but platform.kvm is 6.16; allowed: a kernel such as"
                                + " \"6.16+slot-memtype\""),
                bad(
                        "kvm-mem-dma flag without +kvm-mem-dma",
                        "4:49",
                        "name: t\nsteps:\n" + ALLOC + "  - map-blob: {buffer: b0, gpa: 0x1000, flags: [kvm-mem-dma]}\n",
                        "kvm-mem-dma needs the +kvm-mem-dma design patch"),
                bad(
                        "unknown memslot flag",
                        "4:49",
                        "name: t\nsteps:\n" + ALLOC + "  - map-blob: {buffer: b0, gpa: 0x1000, flags: [dirty]}\n",
                        "'dirty' is not allowed; allowed: log-dirty-pages, readonly, guest-memfd, kvm-mem-dma"),
                bad(
                        "map-blob with qemu.blob off",
                        "5:5",
                        "name: t\nqemu: {blob: false}\nsteps:\n" + ALLOC + "  - map-blob: {buffer: b0, gpa: 0}\n",
                        "map-blob needs virtio-gpu blob resources, but qemu.blob is false"),
                bad(
                        "gpa not an address",
                        "4:33",
                        "name: t\nsteps:\n" + ALLOC + "  - map-blob: {buffer: b0, gpa: high}\n",
                        "steps[2].map-blob.gpa: expected an integer, found 'high'"),
                bad(
                        "byte value out of range",
                        "4:49",
                        "name: t\nsteps:\n" + ALLOC + "  - guest-write: {buffer: b0, offset: 0, value: 256}\n",
                        "256 is out of range; allowed: in 0..255"),
                bad(
                        "offset beyond the buffer",
                        "4:38",
                        "name: t\nsteps:\n" + ALLOC + "  - guest-read: {buffer: b0, offset: 4096}\n",
                        "4096 is out of range; allowed: in 0..4095"),
                bad(
                        "set-memory-region flags neither list nor integer",
                        "3:41",
                        "name: t\nsteps:\n  - set-memory-region: {slot: 1, flags: dirty, gpa: 0, size: 0}\n",
                        "expected a list of flag names or an integer, found 'dirty'; allowed names: log-dirty-pages"),
                bad(
                        "noncoherent-dma attached not a boolean",
                        "3:33",
                        "name: t\nsteps:\n  - noncoherent-dma: {attached: maybe}\n",
                        "expected a boolean, found 'maybe'; allowed: true, false"),
                bad(
                        "migrate with an argument",
                        "3:15",
                        "name: t\nsteps:\n  - migrate: {now: true}\n",
                        "steps[1].migrate: unknown key 'now'; allowed keys: none (write {})"),
                bad(
                        "fault at a missing ordinal",
                        "6:10",
                        "name: t\nsteps:\n" + ALLOC + "  - guest-write: {buffer: b0, offset: 0, value: 1}\nfaults:\n"
                                + "  - {at: guest-write#2, kill: kvm-node}\n",
                        "guest-write#2 names no step: the scenario has 1 guest-write step(s); allowed:"
                                + " guest-write#1"),
                bad(
                        "fault at a kind with no step",
                        "5:10",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {at: gpu-write, kill: kvm-node}\n",
                        "no step has kind gpu-write; kinds present: migrate"),
                bad(
                        "fault at an unknown kind",
                        "5:10",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {at: migrat, kill: kvm-node}\n",
                        "'migrat' is not a step kind (write KIND or KIND#ORDINAL); allowed: allocate, export,"),
                bad(
                        "fault at a step number beyond the steps",
                        "5:12",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 2, heal: {}}\n",
                        "there is no step 2; allowed: 1..1"),
                bad(
                        "fault without a trigger",
                        "5:5",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {heal: {}}\n",
                        "faults[1]: give exactly one trigger; allowed: at: STEP-KIND[#ordinal], step: N"),
                bad(
                        "fault with two actions",
                        "5:25",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, drop: {}, heal: {}}\n",
                        "give exactly one action; allowed: drop, delay, duplicate, reorder, kill, restart, pause, partition,"
                                + " heal"),
                bad(
                        "kill the conductor",
                        "5:21",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, kill: conductor}\n",
                        "'conductor' is not allowed; allowed: kvm-node, qemu-node, gpu-process-node, migration-node,"
                                + " monitor"),
                bad(
                        "unknown node in a message selector",
                        "5:28",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, drop: {from: qemu}}\n",
                        "faults[1].drop.from: 'qemu' is not allowed; allowed: kvm-node, qemu-node"),
                bad(
                        "delay without ms",
                        "5:22",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, delay: {count: 2}}\n",
                        "faults[1].delay: missing required key 'ms'"),
                bad(
                        "node in two partition groups",
                        "5:39",
                        "name: t\nsteps:\n  - migrate: {}\nfaults:\n  - {step: 1, partition: [[monitor], [monitor]]}\n",
                        "monitor is in more than one group"),
                bad(
                        "bad verdict",
                        "5:12",
                        "name: t\nsteps:\n  - migrate: {}\nexpect:\n  verdict: broken\n",
                        "allowed: consistent, benign-alias, unknown, hazard"),
                bad(
                        "hazard on an unallocated buffer",
                        "6:16",
                        "name: t\nsteps:\n" + ALLOC
                                + "expect:\n  hazards:\n    - {buffer: b9, between: [guest, gpu]}\n",
                        "buffer 'b9' is not allocated by any step; allowed: b0"),
                bad(
                        "hazard between one mapping twice",
                        "6:37",
                        "name: t\nsteps:\n" + ALLOC
                                + "expect:\n  hazards:\n    - {buffer: b0, between: [guest, guest]}\n",
                        "a hazard is between two different mappings; allowed: two of guest, qemu, renderer,"
                                + " migration, gpu"),
                bad(
                        "bad hazard kind",
                        "6:49",
                        "name: t\nsteps:\n" + ALLOC + "expect:\n  hazards:\n    - {buffer: b0, between: [guest, gpu],"
                                + " kind: stale}\n",
                        "allowed: memtype-alias, non-snooped-dma, migration-stale, unmappable, guest-fault, unverified-memtype"),
                bad(
                        "errno for a missing step",
                        "5:11",
                        "name: t\nsteps:\n  - migrate: {}\nexpect:\n  errno: {set-memory-region#1: 0}\n",
                        "expect.errno: no step has kind set-memory-region; kinds present: migrate"),
                bad(
                        "errno value not an errno",
                        "5:22",
                        "name: t\nsteps:\n  - migrate: {}\nexpect:\n  errno: {migrate#1: -1}\n",
                        "'-1' is not 0 or an errno name; allowed: 0, ENOENT, ENXIO, EFAULT, EEXIST, EINVAL, ENOTTY"),
                bad(
                        "migration outcome a run reports but a scenario cannot expect",
                        "5:14",
                        "name: t\nsteps:\n  - migrate: {}\nexpect:\n  migration: not-attempted\n",
                        "expect.migration: 'not-attempted' is not allowed; allowed: completed, blocked, failed"),
                bad(
                        "errno name no memslot ioctl returns",
                        "5:22",
                        "name: t\nsteps:\n  - migrate: {}\nexpect:\n  errno: {migrate#1: enomem}\n",
                        "'ENOMEM' is not 0 or an errno name; allowed: 0, ENOENT, ENXIO, EFAULT, EEXIST, EINVAL, ENOTTY"),
                bad(
                        "unknown key in expect",
                        "5:3",
                        "name: t\nsteps:\n  - migrate: {}\nexpect:\n  verdicts: hazard\n",
                        "expect: unknown key 'verdicts'; allowed keys: verdict, hazards, migration, errno"));
    }

    /** A bad input, where its error must point ({@code line:column}) and a fragment the message must contain. */
    private static Arguments bad(String what, String at, String yaml, String fragment) {
        return Arguments.of(what, at, yaml, fragment);
    }
}
