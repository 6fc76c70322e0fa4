package org.memtypelab.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.memtypelab.protocol.CborSerializable;

/** The protocol checks pass every message a valid run sends, and name what is wrong with a broken one. */
class ProtocolChecksTest {

    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create();
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void everySampleMessageOfEveryTypePasses() {
        for (CborSerializable m : MessageSamples.all(kit)) {
            assertThat(ProtocolChecks.problem(m)).as("%s", m).isEmpty();
        }
    }

    @Test
    void aBrokenFieldIsNamed() {
        var replyTo = kit.createTestProbe(StepDone.class).ref();
        assertThat(ProtocolChecks.problem(new KvmProtocol.GuestAccess(new Stamp(1, 1), "b0", true, -1, 1, replyTo)))
                .hasValue("offset: -1 is outside 0..4503599627370495");
        assertThat(ProtocolChecks.problem(new KvmProtocol.GuestCr0Cd(new Stamp(1, Long.MAX_VALUE), true, replyTo)))
                .get()
                .asString()
                .startsWith("stamp.lamport");
        assertThat(ProtocolChecks.problem(new GpuProtocol.Export(new Stamp(1, 1), "../b0", replyTo)))
                .hasValue("buffer: '../b0' is not a buffer name");
        assertThat(ProtocolChecks.problem(new NodeCommand.GetMark(null))).hasValue("replyTo is missing");
    }
}
