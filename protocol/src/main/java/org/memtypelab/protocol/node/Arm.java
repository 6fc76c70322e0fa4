package org.memtypelab.protocol.node;

import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The conductor arms faults in a node's outbox when a step begins: more message rules, a message-level partition
 * (empty groups = unchanged) or a heal. Control messages like this one are never faulted themselves.
 */
public record Arm(
        int step, List<MessageRule> rules, List<Set<String>> partition, boolean heal, ActorRef<StepDone> replyTo)
        implements NodeCommand.Control {}
