package org.memtypelab.runtime.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.memtypelab.protocol.NodeRole;

/**
 * Mutual TLS between the lab's nodes: Artery's {@code tls-tcp} transport with Pekko's {@code ConfigSSLEngineProvider},
 * each node presenting its role's key and certificate from a directory {@code memtype-lab keygen} wrote, and trusting
 * only certificates signed by that directory's CA. Set for a whole JVM with the system property {@value #PROPERTY}
 * ({@code --tls DIR}); process-mode node JVMs get it passed on. The directory holds:
 *
 * <ul>
 *   <li>{@code <role>.p12}: PKCS12 key store with the role's key and certificate chain (alias {@code node})
 *   <li>{@code truststore.p12}: PKCS12 trust store with the CA's certificate (alias {@code ca})
 *   <li>{@code ca.pem}, {@code <role>.pem}: the same certificates in PEM, for reading with {@code openssl x509}
 *   <li>{@code password}: the stores' password (one line; readable by the owner only)
 * </ul>
 */
public final class Tls {

    /** The system property naming the directory; unset means plain TCP. */
    public static final String PROPERTY = "memtype-lab.tls-dir";

    public static final String TRUST_STORE = "truststore.p12";
    public static final String PASSWORD = "password";

    private Tls() {}

    /** The key store file of {@code role}. */
    public static String keyStore(NodeRole role) {
        return role.label() + ".p12";
    }

    /** The directory in effect for this JVM, if TLS is on. */
    public static Optional<Path> current() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /** Why {@code dir} cannot be used for TLS, in plain words; empty when every file is there. */
    public static Optional<String> problem(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.of("--tls " + dir + ": no such directory (make one with `memtype-lab keygen " + dir + "`)");
        }
        List<String> missing = new ArrayList<>();
        for (String f : files()) {
            if (!Files.isReadable(dir.resolve(f))) {
                missing.add(f);
            }
        }
        return missing.isEmpty()
                ? Optional.empty()
                : Optional.of("--tls " + dir + ": missing " + String.join(", ", missing)
                        + " (a directory from `memtype-lab keygen DIR` has them all)");
    }

    /** Every file a TLS directory needs. */
    static List<String> files() {
        List<String> out = new ArrayList<>(List.of(TRUST_STORE, PASSWORD));
        for (NodeRole r : NodeRole.values()) {
            out.add(keyStore(r));
        }
        return out;
    }

    /** The Artery settings that make {@code role} speak mutual TLS with the keys in {@code dir}. */
    public static Config config(Path dir, NodeRole role) {
        String password;
        try {
            password = Files.readString(dir.resolve(PASSWORD), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir.resolve(PASSWORD) + ": " + e.getMessage(), e);
        }
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        return ConfigFactory.empty()
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue(
                        "pekko.remote.artery.ssl.ssl-engine-provider",
                        ConfigValueFactory.fromAnyRef("org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider"))
                .withValue(engine + "key-store", path(dir.resolve(keyStore(role))))
                .withValue(engine + "trust-store", path(dir.resolve(TRUST_STORE)))
                .withValue(engine + "key-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(engine + "key-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(engine + "trust-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(engine + "protocol", ConfigValueFactory.fromAnyRef("TLSv1.3"))
                .withValue(
                        engine + "enabled-algorithms",
                        ConfigValueFactory.fromIterable(List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")))
                .withValue(engine + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
                .withValue(engine + "hostname-verification", ConfigValueFactory.fromAnyRef(false));
    }

    private static com.typesafe.config.ConfigValue path(Path p) {
        return ConfigValueFactory.fromAnyRef(p.toAbsolutePath().toString());
    }
}
