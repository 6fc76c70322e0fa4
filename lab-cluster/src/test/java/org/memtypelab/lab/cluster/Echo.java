package org.memtypelab.lab.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.memtypelab.protocol.CborSerializable;

/** Test-only service: answers a ping with the text and the node that answered, found through the Receptionist. */
final class Echo {

    static final ServiceKey<Ping> ECHO_KEY = ServiceKey.create(Ping.class, "echo");

    /** A request whose reply-to reference must survive CBOR between nodes. */
    record Ping(String text, ActorRef<Pong> replyTo) implements CborSerializable {}

    /** The reply: the text back and the address of the answering node. */
    record Pong(String text, String node) implements CborSerializable {}

    private Echo() {}

    static Behavior<Ping> create() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(ECHO_KEY, ctx.getSelf()));
            String node = Cluster.get(ctx.getSystem()).selfMember().address().toString();
            return Behaviors.receiveMessage(ping -> {
                ping.replyTo().tell(new Pong(ping.text(), node));
                return Behaviors.same();
            });
        });
    }

    /** A guardian that runs one Echo. */
    static Behavior<Void> guardian() {
        return Behaviors.setup(ctx -> {
            ctx.spawn(create(), "echo");
            return Behaviors.empty();
        });
    }
}
