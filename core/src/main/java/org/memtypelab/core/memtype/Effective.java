package org.memtypelab.core.memtype;

import java.util.List;

/** An effective memory type with its reasons, or an honest "unknown" where DOMAIN.md has no verified answer. */
public sealed interface Effective permits Effective.Known, Effective.Unknown, Effective.Misconfiguration {

    /** The reasons, in the order they were applied, each citing its DOMAIN rule. */
    List<String> because();

    /** The type, as printed: a memory type, {@code unknown} or {@code misconfig}. */
    String label();

    /** A type the model can justify. */
    record Known(MemType type, List<String> because) implements Effective {
        public Known {
            because = List.copyOf(because);
        }

        @Override
        public String label() {
            return type.label();
        }
    }

    /** A cell DOMAIN.md marks unverified: never guessed. */
    record Unknown(List<String> because) implements Effective {
        public Unknown {
            because = List.copyOf(because);
        }

        @Override
        public String label() {
            return "unknown";
        }
    }

    /** Rule 5: a reserved EPT type, the access exits to the hypervisor. */
    record Misconfiguration(List<String> because) implements Effective {
        public Misconfiguration {
            because = List.copyOf(because);
        }

        @Override
        public String label() {
            return "misconfig";
        }
    }
}
