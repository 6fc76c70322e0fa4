package org.memtypelab.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.memtypelab.protocol.NodeRole;
import org.memtypelab.runtime.cluster.Tls;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keygen DIR}: a local CA and a key and certificate per node role for {@code --tls DIR}, made with the JDK's
 * own {@code keytool} (PKCS12 stores, PEM copies of the certificates); see {@link Tls} for the files.
 */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = "Make DIR for --tls: a local CA, and a PKCS12 key store with a key and a CA-signed certificate"
                + " for each node role (plus PEM copies of the certificates), with the JDK's keytool.")
final class KeygenCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A new or empty directory.")
    Path dir;

    @Option(names = "--days", paramLabel = "N", description = "Validity of the certificates in days (default 365).")
    int days = 365;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (Files.exists(dir) && (!Files.isDirectory(dir) || hasFiles(dir))) {
            err.println("memtype-lab keygen: " + dir + " exists and is not an empty directory; keys are never"
                    + " overwritten");
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        if (days < 1) {
            err.println("memtype-lab keygen: --days must be at least 1, got " + days);
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Files.createDirectories(dir);
        String password = password();
        Path pass = dir.resolve(Tls.PASSWORD);
        Files.writeString(pass, password + "\n", StandardCharsets.UTF_8);
        ownerOnly(pass);
        Keytool k = new Keytool(dir, password);
        // the CA: a self-signed key pair allowed to sign certificates
        genkeypair(
                k,
                "ca",
                "CN=memtype-lab CA " + dir.toAbsolutePath().getFileName(),
                "ca.p12",
                "-ext",
                "bc:c=ca:true",
                "-ext",
                "KeyUsage=keyCertSign,cRLSign");
        k.run("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        k.run(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                Tls.TRUST_STORE,
                "-storetype",
                "PKCS12");
        // one role after another takes ~20 keytool JVMs; the roles are independent, so use every core
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<?>> roles = new ArrayList<>();
            for (NodeRole role : NodeRole.values()) {
                roles.add(pool.submit(() -> {
                    role(k, role);
                    return null;
                }));
            }
            for (Future<?> f : roles) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        ownerOnly(dir.resolve("ca.p12"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("keys in " + dir + ": a CA (ca.p12, ca.pem) and, for " + NodeRole.values().length
                + " node roles, <role>.p12 with a CA-signed certificate (<role>.pem); valid " + days + " days");
        out.println("use: memtype-lab run SCENARIO --tls " + dir + "   (and `node ... --tls " + dir
                + "` on other hosts; copy DIR there, keep ca.p12 and password private)");
        out.flush();
        return 0;
    }

    /** The role's key pair, signed by the CA, in {@code <role>.p12} with the CA's certificate; PEM beside it. */
    private void role(Keytool k, NodeRole role) throws IOException, InterruptedException {
        String store = Tls.keyStore(role);
        String name = role.label();
        genkeypair(k, "node", "CN=memtype-lab " + name, store);
        k.run("-certreq", "-alias", "node", "-keystore", store, "-file", name + ".csr");
        k.run(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".pem",
                "-rfc",
                "-validity",
                "" + days,
                "-ext",
                "KeyUsage=digitalSignature,keyEncipherment",
                "-ext",
                "ExtendedKeyUsage=serverAuth,clientAuth",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1");
        k.run("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        k.run("-importcert", "-alias", "node", "-file", name + ".pem", "-keystore", store);
        Files.delete(dir.resolve(name + ".csr"));
        ownerOnly(dir.resolve(store));
    }

    /** A 2048-bit RSA key pair under {@code alias} in the PKCS12 store {@code store}, valid {@link #days}. */
    private void genkeypair(Keytool k, String alias, String dname, String store, String... extensions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "" + days,
                "-dname",
                dname));
        args.addAll(List.of(extensions));
        args.addAll(List.of("-keystore", store, "-storetype", "PKCS12"));
        k.run(args.toArray(String[]::new));
    }

    private static boolean hasFiles(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.findAny().isPresent();
        }
    }

    private static String password() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void ownerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the user protects the directory
        }
    }

    /** Runs the JDK's keytool in {@code dir}, with the store password on stdin-free options. */
    private record Keytool(Path dir, String password) {

        void run(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            cmd.addAll(List.of(args));
            cmd.addAll(List.of("-storepass:env", "MEMTYPE_LAB_KEYGEN_PASS"));
            if (List.of(args).contains("-genkeypair")) {
                cmd.addAll(List.of("-keypass:env", "MEMTYPE_LAB_KEYGEN_PASS"));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("MEMTYPE_LAB_KEYGEN_PASS", password);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        }
    }
}
