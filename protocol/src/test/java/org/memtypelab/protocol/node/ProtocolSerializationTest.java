package org.memtypelab.protocol.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.memtypelab.core.coherency.Hazard;
import org.memtypelab.core.kvm.KvmVersion;
import org.memtypelab.core.memtype.Ept;
import org.memtypelab.protocol.CborSerializable;

/**
 * Every message of the protocol module survives Jackson CBOR on an ActorSystem set up as the nodes are (cluster
 * provider, the module's serialization bindings), and a message added without a sample here fails the build.
 */
class ProtocolSerializationTest {

    static final Config CONFIG = ConfigFactory.parseString("""
                    pekko.actor.provider = cluster
                    pekko.remote.artery.canonical.hostname = "127.0.0.1"
                    pekko.remote.artery.canonical.port = 0
                    """)
            .withFallback(ConfigFactory.parseResources(
                    "memtype-lab-serialization.conf",
                    ConfigParseOptions.defaults().setAllowMissing(false)))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();

    static ActorTestKit kit;
    static List<CborSerializable> samples;

    @BeforeAll
    static void startSystem() {
        kit = ActorTestKit.create("memtype-lab", CONFIG);
        samples = MessageSamples.all(kit);
    }

    @AfterAll
    static void stopSystem() {
        kit.shutdownTestKit();
    }

    static Stream<Arguments> samples() {
        return samples.stream().map(m -> Arguments.of(m.getClass().getName(), m));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyMessageRoundTripsThroughJacksonCbor(String type, CborSerializable message) {
        Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
        Serializer serializer = serialization.findSerializerFor(message);
        assertThat(serializer).as(type).isInstanceOf(JacksonCborSerializer.class);

        byte[] bytes = serialization.serialize(message).get();
        Object back = serialization
                .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
                .get();

        assertThat(back).as(type).isEqualTo(message);
    }

    @Test
    void everyConcreteMessageTypeOfTheProtocolModuleHasASample() throws Exception {
        Set<Class<?>> sampled = samples.stream().map(Object::getClass).collect(Collectors.toSet());

        assertThat(sampled)
                .as("add a sample to MessageSamples for every new message")
                .containsExactlyInAnyOrderElementsOf(concreteMessageTypes());
    }

    @Test
    void samplesLeaveNoFieldAtItsDefaultValue() {
        List<String> defaults = new ArrayList<>();
        for (CborSerializable sample : samples) {
            walk(sample, sample.getClass().getSimpleName(), defaults, new HashSet<>());
        }

        assertThat(defaults).as("fields a round trip could lose unnoticed").isEmpty();
    }

    @Test
    void everyVariantOfASealedTypeInTheSamplesCrossesTheWire() {
        Set<Class<?>> seen = new HashSet<>();
        samples.forEach(s -> walk(s, "", new ArrayList<>(), seen));

        Set<Class<?>> missing = new HashSet<>();
        for (Class<?> c : seen) {
            for (Class<?> sealed : sealedSupertypes(c)) {
                leaves(sealed).stream().filter(v -> !seen.contains(v)).forEach(missing::add);
            }
        }

        assertThat(seen).as("the walk reaches nested core values").contains(Ept.Entry.class, Hazard.class);
        assertThat(missing).as("variants no sample carries").isEmpty();
    }

    /** Non-abstract classes implementing {@link CborSerializable}, from the protocol module's compiled classes. */
    private static Set<Class<?>> concreteMessageTypes() throws IOException, URISyntaxException {
        Path location = Path.of(CborSerializable.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        ClassLoader loader = CborSerializable.class.getClassLoader();
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
            Path root = jar == null ? location : jar.getPath("/");
            try (Stream<Path> files = Files.walk(root)) {
                return files.map(root::relativize)
                        .map(Path::toString)
                        .filter(f -> f.endsWith(".class") && !f.equals("module-info.class"))
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                        .map(name -> load(name, loader))
                        .filter(c -> CborSerializable.class.isAssignableFrom(c)
                                && !c.isInterface()
                                && !Modifier.isAbstract(c.getModifiers()))
                        .collect(Collectors.toSet());
            }
        }
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("listed but not loadable: " + name, e);
        }
    }

    /**
     * Walks a value through record components, optionals, collections and maps; notes every class it meets in
     * {@code seen} and every null, false, zero, empty string, empty optional or empty collection in {@code defaults}.
     */
    private static void walk(Object value, String path, List<String> defaults, Set<Class<?>> seen) {
        if (value == null) {
            defaults.add(path + " is null");
            return;
        }
        seen.add(value.getClass());
        if (value instanceof Boolean b && !b) {
            defaults.add(path + " is false");
        } else if (value instanceof Number n && n.doubleValue() == 0) {
            defaults.add(path + " is 0");
        } else if (value instanceof String s && s.isEmpty()) {
            defaults.add(path + " is empty");
        } else if (value instanceof Optional<?> o) {
            o.ifPresentOrElse(v -> walk(v, path + ".get()", defaults, seen), () -> defaults.add(path + " is empty"));
        } else if (value instanceof Collection<?> c) {
            if (c.isEmpty()) {
                defaults.add(path + " is empty");
            }
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", defaults, seen);
            }
        } else if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                defaults.add(path + " is empty");
            }
            m.forEach((k, v) -> {
                walk(k, path + ".key", defaults, seen);
                walk(v, path + "[" + k + "]", defaults, seen);
            });
        } else if (value instanceof KvmVersion v) {
            // a kernel is a release candidate or a stable patch level, never both: one of the two must be set
            if (v.patch() == 0 && v.rc() == 0) {
                defaults.add(path + " has neither a patch level nor a release candidate");
            }
            walk(v.patches(), path + ".patches", defaults, seen);
            walk(v.major(), path + ".major", defaults, seen);
            walk(v.minor(), path + ".minor", defaults, seen);
        } else if (value instanceof Record) {
            for (RecordComponent rc : value.getClass().getRecordComponents()) {
                walk(component(rc, value), path + "." + rc.getName(), defaults, seen);
            }
        }
    }

    private static Object component(RecordComponent rc, Object record) {
        try {
            rc.getAccessor().setAccessible(true);
            return rc.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(rc + " of " + record.getClass(), e);
        }
    }

    /** The project's sealed interfaces {@code c} implements, directly or through other interfaces. */
    private static Set<Class<?>> sealedSupertypes(Class<?> c) {
        Set<Class<?>> sealed = new HashSet<>();
        List<Class<?>> todo = new ArrayList<>(List.of(c.getInterfaces()));
        while (!todo.isEmpty()) {
            Class<?> i = todo.remove(todo.size() - 1);
            if (i.isSealed() && i.getName().startsWith("org.memtypelab.")) {
                sealed.add(i);
            }
            todo.addAll(List.of(i.getInterfaces()));
        }
        return sealed;
    }

    /** The concrete classes a sealed type permits, through sealed sub-interfaces. */
    private static Set<Class<?>> leaves(Class<?> sealed) {
        Set<Class<?>> leaves = new HashSet<>();
        for (Class<?> p : sealed.getPermittedSubclasses()) {
            if (p.isSealed()) {
                leaves.addAll(leaves(p));
            } else {
                leaves.add(p);
            }
        }
        return leaves;
    }
}
