package org.memtypelab.lab.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes run and campaign directories shaped like the ones {@code run} and {@code campaign} write (copied from a real
 * {@code thread/option-0-status-quo} run and a {@code faults/gpu-process-restart} run, shortened).
 */
final class RunDirFixture {

    static final String WITNESS = "guest write 0xab stayed in the CPU cache; renderer read 0x00";

    private RunDirFixture() {}

    /** result.json of a hazard run; {@code witness} and {@code verdict} vary per test. */
    static String result(String scenario, String verdict, String witness, boolean complete, String extra) {
        return """
                {
                  "scenario" : "%s", "seed" : 1, "nodes" : "embedded", "verdict" : "%s",
                  "mappings" : [
                    { "buffer" : "b0", "who" : "renderer", "type" : "WC" },
                    { "buffer" : "b0", "who" : "qemu", "type" : "WC", "dereferenced" : false },
                    { "buffer" : "b0", "who" : "guest", "type" : "WB", "ept" : { "type" : "WB", "ipat" : true } },
                    { "buffer" : "b0", "who" : "gpu", "snoop" : false }
                  ],
                  "hazards" : [ {
                    "buffer" : "b0", "between" : [ "guest", "renderer" ], "types" : [ "WB", "WC" ],
                    "kind" : "memtype-alias", "step" : 4, "witness" : "%s"
                  } ],
                  "migration" : { "status" : "blocked", "reason" : "virgl is not yet migratable" },
                  "steps" : [
                    { "n" : 1, "kind" : "allocate", "ok" : true, "node" : "gpu-process-node",
                      "detail" : "allocated b0 (2097152 bytes, ram), renderer maps it WC" },
                    { "n" : 2, "kind" : "map-blob", "ok" : true, "errno" : "0", "node" : "kvm-node",
                      "detail" : "CREATE: DOMAIN 3.2 step 7: creates slot 0:10" },
                    { "n" : 3, "kind" : "gpu-read", "ok" : false, "node" : "gpu-process-node",
                      "detail" : "the GPU process has no buffer b0" }
                  ],
                  "expect" : { "held" : true, "failures" : [ ] },
                  "faults" : { "planned" : 2, "injected" : 2, "kill" : 1, "restart" : 1 },
                  "nodes_lost" : [ ],
                  "complete" : %s,
                  %s
                  "notes" : [ ],
                  "truth" : { "verdict" : "hazard", "missed" : [ ], "false" : [ ] },
                  "monitor" : { "events" : 4, "unobserved" : [ ] },
                  "wall_ms" : 1886
                }
                """.formatted(scenario, verdict, witness, complete, extra);
    }

    /** history.jsonl: setup, steps 1-3 on several nodes, a dropped message, a kill and restart in step 3. */
    static final String HISTORY = """
            {"node":"conductor","incarnation":1,"line":1,"lamport":0,"step":0,"wall":1,"kind":"setup","run":"t@1","seed":1}
            {"node":"gpu-process-node","incarnation":1,"line":1,"lamport":0,"step":0,"wall":1,"kind":"setup","run":"t@1","seed":1}
            {"node":"gpu-process-node","incarnation":2,"line":1,"lamport":0,"step":0,"wall":9,"kind":"setup","run":"t@1","seed":1}
            {"node":"kvm-node","incarnation":1,"line":1,"lamport":0,"step":0,"wall":1,"kind":"setup","run":"t@1","seed":1}
            {"node":"conductor","incarnation":1,"line":2,"lamport":1,"step":0,"wall":2,"kind":"recv","what":"kvm-node ready: fresh VM","from":"kvm-node"}
            {"node":"conductor","incarnation":1,"line":3,"lamport":5,"step":1,"wall":3,"kind":"send","what":"allocate"}
            {"node":"gpu-process-node","incarnation":1,"line":2,"lamport":6,"step":1,"wall":3,"kind":"recv","what":"allocate b0","from":"conductor"}
            {"node":"gpu-process-node","incarnation":1,"line":3,"lamport":6,"step":1,"wall":3,"kind":"decide","detail":"allocated b0 (2097152 bytes, ram), renderer maps it WC"}
            {"node":"gpu-process-node","incarnation":1,"line":4,"lamport":7,"step":1,"wall":3,"kind":"event","seq":1,"observation":{"obs":"mapping-set","mapping":{"buffer":"b0","who":"RENDERER","type":{"as":"cpu","type":"WC"},"dereferenced":true}}}
            {"node":"conductor","incarnation":1,"line":4,"lamport":8,"step":1,"wall":4,"kind":"recv","what":"allocate done","from":"gpu-process-node"}
            {"node":"conductor","incarnation":1,"line":5,"lamport":9,"step":2,"wall":4,"kind":"send","what":"map-blob"}
            {"node":"kvm-node","incarnation":1,"line":2,"lamport":21,"step":2,"wall":5,"kind":"recv","what":"guest-map b0","from":"conductor"}
            {"node":"kvm-node","incarnation":1,"line":3,"lamport":22,"step":2,"wall":5,"kind":"event","seq":1,"observation":{"obs":"mapping-set","mapping":{"buffer":"b0","who":"GUEST","type":{"as":"guest","type":"WB","ept":{"type":"WB","ipat":true}},"dereferenced":true}}}
            {"node":"kvm-node","incarnation":1,"line":4,"lamport":26,"step":2,"wall":5,"kind":"event","seq":2,"observation":{"obs":"access","buffer":"b0","who":"GUEST","type":{"as":"guest","type":"WB","ept":{"type":"WB","ipat":true}},"write":true,"offset":0,"value":171}}
            {"node":"kvm-node","incarnation":1,"line":5,"lamport":26,"step":2,"wall":5,"kind":"fault","fault":"drop","to":"monitor","message":"Observed"}
            {"node":"kvm-node","incarnation":1,"line":6,"lamport":27,"step":2,"wall":6,"kind":"duplicate","what":"guest-map b0","resent":1}
            {"node":"conductor","incarnation":1,"line":6,"lamport":27,"step":3,"wall":7,"kind":"decide","detail":"inject Kill[node=gpu-process-node]"}
            {"node":"conductor","incarnation":1,"line":7,"lamport":27,"step":3,"wall":8,"kind":"decide","detail":"gpu-process-node restarted as a new incarnation"}
            {"node":"conductor","incarnation":1,"line":8,"lamport":28,"step":0,"wall":9,"kind":"recv","what":"gpu-process-node ready: fresh GPU process","from":"gpu-process-node"}
            {"node":"gpu-process-node","incarnation":2,"line":2,"lamport":30,"step":3,"wall":9,"kind":"recv","what":"gpu-read","from":"conductor"}
            {"node":"gpu-process-node","incarnation":2,"line":3,"lamport":30,"step":3,"wall":9,"kind":"decide","detail":"the GPU process has no buffer b0"}
            """;

    static Path run(Path dir, String result) {
        write(dir.resolve("result.json"), result);
        write(dir.resolve("history.jsonl"), HISTORY);
        write(dir.resolve("scenario.yaml"), "name: t\ndescription: Guest maps a USWC buffer <WC> & KVM ignores it.\n");
        return dir;
    }

    static Path hazardRun(Path dir) {
        return run(dir, result("thread/option-0-status-quo", "hazard", WITNESS, true, ""));
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
