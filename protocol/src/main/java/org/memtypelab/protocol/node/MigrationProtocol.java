package org.memtypelab.protocol.node;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.memtypelab.protocol.CborSerializable;

/** Messages of migration-node: one live migration attempt (DOMAIN 5.4). */
public final class MigrationProtocol {

    public static final ServiceKey<Command> MIGRATION_KEY = ServiceKey.create(Command.class, "migration-node");

    private MigrationProtocol() {}

    /** Everything migration-node accepts. */
    public sealed interface Command extends CborSerializable permits NodeCommand.Control, Step {}

    /** The commands of scenario steps this node carries out. */
    public sealed interface Step extends Command, NodeCommand.Step permits Migrate {}

    /** Runs a migration under the run's policy; answers with the outcome in {@link StepDone#migration()}. */
    public record Migrate(Stamp stamp, ActorRef<StepDone> replyTo) implements Step {}
}
