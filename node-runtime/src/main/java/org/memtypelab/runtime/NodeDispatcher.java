package org.memtypelab.runtime;

import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * The dispatcher node actors are spawned on: they write and flush a trace line before acting on it, synchronously (so
 * flush-before-act holds), and these blocking writes must not take threads from the default dispatcher.
 */
public final class NodeDispatcher {

    /** The dispatcher's key in {@code memtype-lab.conf}. */
    public static final String CONFIG_KEY = "memtype-lab.node-dispatcher";

    /** Spawn props for a node actor: {@code ctx.spawn(KvmNode.create(...), name, NodeDispatcher.PROPS)}. */
    public static final DispatcherSelector PROPS = DispatcherSelector.fromConfig(CONFIG_KEY);

    private NodeDispatcher() {}
}
