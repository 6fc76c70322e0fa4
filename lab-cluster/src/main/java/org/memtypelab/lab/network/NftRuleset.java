package org.memtypelab.lab.network;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.memtypelab.lab.run.FaultPlan;

/**
 * The nftables ruleset of the private network's current faults, as {@code nft -f} reads it: one table of the lab's own
 * whose input chain drops the cut packets. Loopback packets keep their sender's address, and each node connects from
 * its own, so a rule names exactly one link. Dropping on input, not output, looks like a lost packet to the sender:
 * TCP sends it again instead of failing the call.
 */
public final class NftRuleset {

    /** The lab's table; nothing else in the namespace is touched. */
    public static final String TABLE = "inet memtype_lab";

    private NftRuleset() {}

    /** Replaces the table with one holding {@code rules} (an empty list leaves no table). */
    public static String replace(List<String> rules) {
        StringBuilder sb = new StringBuilder();
        // "add" makes the delete safe when there is no table yet; all lines are one transaction
        sb.append("add table ").append(TABLE).append('\n');
        sb.append("delete table ").append(TABLE).append('\n');
        if (!rules.isEmpty()) {
            sb.append("table ").append(TABLE).append(" {\n");
            sb.append("  chain faults {\n");
            sb.append("    type filter hook input priority filter; policy accept;\n");
            for (String r : rules) {
                sb.append("    ").append(r).append('\n');
            }
            sb.append("  }\n}\n");
        }
        return sb.toString();
    }

    /**
     * The drop rules of one cut: both directions, or for a one-way cut only packets to {@code to}'s listening port (the
     * connections {@code from} opened), so {@code to}'s own connections to {@code from} and their acknowledgements
     * still flow.
     *
     * @param address a node's address
     * @param port a node's Artery port
     */
    public static List<String> cut(
            FaultPlan.Link link, Function<String, String> address, Function<String, Integer> port) {
        String a = address.apply(link.from());
        String b = address.apply(link.to());
        if (link.oneWay()) {
            return List.of(rule(a, b) + " tcp dport " + port.apply(link.to()) + " drop");
        }
        return List.of(rule(a, b) + " drop", rule(b, a) + " drop");
    }

    /** The drop rule of packet loss; an empty end matches every node. */
    public static String loss(FaultPlan.Loss loss, Function<String, String> address) {
        List<String> match = new ArrayList<>();
        if (!loss.from().isEmpty()) {
            match.add("ip saddr " + address.apply(loss.from()));
        }
        if (!loss.to().isEmpty()) {
            match.add("ip daddr " + address.apply(loss.to()));
        }
        if (match.isEmpty()) {
            match.add("ip saddr 127.0.0.0/8");
        }
        return String.join(" ", match) + " numgen random mod 100 < " + loss.percent() + " drop";
    }

    private static String rule(String from, String to) {
        return "ip saddr " + from + " ip daddr " + to;
    }
}
