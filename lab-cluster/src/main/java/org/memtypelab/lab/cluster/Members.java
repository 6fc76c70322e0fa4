package org.memtypelab.lab.cluster;

import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Member;

/** How the lab names cluster members in messages and on the node stdout protocol. */
final class Members {

    private Members() {}

    /** {@code host:port} of a cluster address, the form {@code --seed} takes. */
    static String hostPort(Address address) {
        return address.getHost().orElse("?") + ":"
                + address.getPort().map(String::valueOf).orElse("?");
    }

    /** The node name(s) of a member: its roles without Pekko's data-center role. */
    static String nodeName(Member member) {
        return member.getRoles().stream()
                .filter(r -> !r.startsWith("dc-"))
                .sorted()
                .collect(Collectors.joining(","));
    }
}
