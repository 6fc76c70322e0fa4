package org.memtypelab.lab.cluster;

/** The lab's cluster did not reach the wanted membership in time; the message names the nodes that were missing. */
public final class ClusterFormationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public ClusterFormationException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public ClusterFormationException(String message, Throwable cause) {
        super(message, cause);
    }
}
