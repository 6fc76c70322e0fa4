package org.memtypelab.runtime.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.memtypelab.protocol.node.ProtocolChecks;
import scala.util.Try;

/**
 * Raw byte strings through the nodes' real Jackson CBOR serializer, as a hostile peer would put them on the wire:
 * random bytes, truncated messages, and well-formed CBOR of the wrong shape (a field missing or of the wrong kind, the
 * wrong root, nesting or strings far too large), each under the manifest of a real message. Reading one must fail
 * with the serializer's own exceptions, or give a message the protocol checks reject; the latter are returned so a
 * test can send them to a live node.
 */
public final class WireFuzz {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Serialization serialization;
    private final ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    private final SplittableRandom r;
    private int failed;
    private int nulls;

    public WireFuzz(ActorSystem<?> system, long seed) {
        this.serialization = SerializationExtension.get(system.classicSystem());
        this.r = new SplittableRandom(seed);
    }

    /** How many byte strings read as CBOR {@code null}: no message at all. */
    public int nulls() {
        return nulls;
    }

    /** How many byte strings the serializer refused so far. */
    public int failed() {
        return failed;
    }

    /**
     * Puts {@code n} hostile byte strings, each under the manifest of one of {@code samples} (valid messages), through
     * the serializer; returns the messages it read from them, every one of which the protocol checks reject.
     */
    public List<Object> read(List<?> samples, int n) {
        List<Object> read = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object sample = samples.get(r.nextInt(samples.size()));
            Serializer serializer = serialization.findSerializerFor(sample);
            String manifest = Serializers.manifestFor(serializer, sample);
            byte[] bytes = hostile(serialization.serialize(sample).get());
            Try<Object> result;
            try {
                result = serialization.deserialize(bytes, serializer.identifier(), manifest);
            } catch (RuntimeException e) {
                throw new AssertionError("the serializer threw instead of failing: " + e, e);
            }
            if (result.isFailure()) {
                Throwable t = result.failed().get();
                assertThat(t)
                        .as("how reading hostile bytes for %s failed", manifest)
                        .isInstanceOfAny(NotSerializableException.class, IOException.class);
                failed++;
            } else if (result.get() == null) {
                nulls++; // CBOR null reads as no message; Pekko refuses to deliver null (InvalidMessageException)
            } else {
                Object m = result.get();
                assertThat(ProtocolChecks.problem(m))
                        .as("a hostile %s read from the wire: %s", manifest, m)
                        .isPresent();
                read.add(m);
            }
        }
        return read;
    }

    private byte[] hostile(byte[] valid) {
        return switch (r.nextInt(4)) {
            case 0 -> random();
            case 1 -> java.util.Arrays.copyOf(valid, r.nextInt(Math.max(1, valid.length - 1)));
            default -> wrongShape(valid);
        };
    }

    private byte[] random() {
        byte[] b = new byte[r.nextInt(200)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** The valid message's CBOR with one field missing or of the wrong kind, or another root altogether. */
    private byte[] wrongShape(byte[] valid) {
        try {
            JsonNode tree = cbor.readTree(valid);
            JsonNode out = switch (r.nextInt(7)) {
                case 0 -> NODES.objectNode();
                case 1 -> NODES.arrayNode().add(1).add("x");
                case 2 -> NODES.numberNode(r.nextInt());
                case 3 -> null;
                default -> breakField((ObjectNode) tree);
            };
            return out == null ? deeplyNested(5_000) : cbor.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One field that is not a number or a boolean (every such field is required): gone, or of the wrong kind. */
    private JsonNode breakField(ObjectNode tree) {
        List<String> fields = new ArrayList<>();
        tree.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber() && !e.getValue().isBoolean()) {
                fields.add(e.getKey());
            }
        });
        if (fields.isEmpty()) {
            return NODES.objectNode();
        }
        String f = fields.get(r.nextInt(fields.size()));
        JsonNode old = tree.get(f);
        switch (r.nextInt(5)) {
            case 0 -> tree.remove(f);
            case 1 -> tree.putNull(f);
            case 2 ->
                tree.set(
                        f,
                        old.isObject()
                                ? NODES.arrayNode().add(1)
                                : NODES.objectNode().put("x", 1));
            case 3 -> tree.set(f, old.isTextual() ? NODES.textNode("\u0000".repeat(1 << 16)) : NODES.numberNode(7));
            default -> tree.set(f, nested(900));
        }
        return tree;
    }

    /** CBOR arrays of one element nested {@code depth} deep, past what Jackson reads (1,000). */
    private static byte[] deeplyNested(int depth) {
        byte[] b = new byte[depth + 1];
        java.util.Arrays.fill(b, 0, depth, (byte) 0x81);
        return b;
    }

    private static JsonNode nested(int depth) {
        ArrayNode root = NODES.arrayNode();
        ArrayNode at = root;
        for (int i = 0; i < depth; i++) {
            at = at.addArray();
        }
        return root;
    }
}
