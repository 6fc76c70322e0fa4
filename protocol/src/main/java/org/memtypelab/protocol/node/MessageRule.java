package org.memtypelab.protocol.node;

import java.util.Locale;

/**
 * One armed message fault (docs/scenarios.md "Faults"): what to do with the next {@code count} messages from {@code from}
 * to {@code to} of {@code kind}, each hit with {@code probability}. Empty selectors match anything.
 *
 * @param count how many matching messages it affects; {@code 0} means no limit (campaigns use probabilities)
 * @param delayMs for {@link Action#DELAY}
 */
public record MessageRule(
        Action action, String from, String to, String kind, int count, double probability, long delayMs) {

    /** What happens to a matching message. */
    public enum Action {
        DROP,
        DELAY,
        DUPLICATE,
        REORDER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MessageRule {
        if (probability <= 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be in (0, 1]: " + probability);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
    }

    /** A scenario's {@code {from, to, count}} selector, every match hit. */
    public static MessageRule of(Action action, String from, String to, int count, long delayMs) {
        return new MessageRule(action, from, to, "", count, 1.0, delayMs);
    }

    /** In words: {@code drop 2% of the messages}, {@code delay the next 1 message from qemu-node to kvm-node by 50 ms}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(action.label()).append(' ');
        if (count > 0) {
            sb.append("the next ").append(count).append(count == 1 ? " message" : " messages");
        } else if (probability < 1) {
            sb.append(String.format(Locale.ROOT, "%s%% of the messages", percent(probability)));
        } else {
            sb.append("every message");
        }
        if (!kind.isEmpty()) {
            sb.append(" of kind ").append(kind);
        }
        if (!from.isEmpty()) {
            sb.append(" from ").append(from);
        }
        if (!to.isEmpty()) {
            sb.append(" to ").append(to);
        }
        if (count > 0 && probability < 1) {
            sb.append(String.format(Locale.ROOT, ", each with chance %s%%", percent(probability)));
        }
        if (action == Action.DELAY) {
            sb.append(" by ").append(delayMs).append(" ms");
        }
        return sb.toString();
    }

    private static String percent(double p) {
        return java.math.BigDecimal.valueOf(p * 100).stripTrailingZeros().toPlainString();
    }

    /** Whether this rule selects a message from {@code sender} to {@code receiver} of {@code messageKind}. */
    public boolean matches(String sender, String receiver, String messageKind) {
        return (from.isEmpty() || from.equals(sender))
                && (to.isEmpty() || to.equals(receiver))
                && (kind.isEmpty() || kind.equals(messageKind));
    }
}
