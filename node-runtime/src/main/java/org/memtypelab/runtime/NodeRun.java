package org.memtypelab.runtime;

import org.memtypelab.protocol.node.Peers;

/** One run on a node: the run's model, and the peers it talks to (handed out again when a peer restarts). */
public final class NodeRun<M> {

    private final M model;
    private Peers peers;

    public NodeRun(M model, Peers peers) {
        this.model = model;
        this.peers = peers;
    }

    public M model() {
        return model;
    }

    public Peers peers() {
        return peers;
    }

    /** Takes the peers' new references; the model is kept. */
    public void usePeers(Peers newPeers) {
        this.peers = newPeers;
    }
}
