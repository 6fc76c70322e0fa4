package org.memtypelab.lab.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A YAML document read with Jackson's YAML parser into plain nodes that remember where each key and value was
 * written, so that every later check can point at it. Nothing is ever bound to a class named in the file: tags and
 * aliases are refused. A tree (an edited one too) is written back with Jackson's YAML generator.
 */
public final class YamlTree {

    /** A 1-based line and column in the scenario file. */
    public record Loc(int line, int column) {}

    /** A YAML node with its location. */
    public sealed interface Node permits Scalar, MapNode, SeqNode {
        Loc loc();
    }

    /** How the parser typed a scalar (plain {@code on}/{@code yes} are booleans, {@code 0xab} an integer). */
    public enum ScalarType {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL
    }

    /** A scalar with its text as written ({@code 0x10}, {@code 6.10}) and the parser's type. */
    public record Scalar(Loc loc, String text, ScalarType type) implements Node {}

    /** One {@code key: value} of a mapping. */
    public record Entry(String key, Loc keyLoc, Node value) {}

    /** A mapping, keys in file order, without duplicates. */
    public record MapNode(Loc loc, List<Entry> entries) implements Node {
        public Optional<Entry> get(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }
    }

    /** A sequence. */
    public record SeqNode(Loc loc, List<Node> items) implements Node {}

    private static final int MAX_DEPTH = 32;
    private static final YAMLFactory FACTORY =
            YAMLFactory.builder().loaderOptions(loaderOptions()).build();

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final YAMLMapper BLOCK = writer(YAMLFactory.builder().build())
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    private static final YAMLMapper FLOW =
            writer(YAMLFactory.builder().dumperOptions(flowStyle()).build()).build();

    private final YAMLParser parser;

    private YamlTree(YAMLParser parser) {
        this.parser = parser;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(4 * 1024 * 1024);
        o.setMaxAliasesForCollections(0);
        o.setNestingDepthLimit(MAX_DEPTH);
        o.setAllowDuplicateKeys(true); // reported by us, at the second key
        return o;
    }

    /** Parses one YAML document; empty when the text holds no document at all. */
    public static Optional<Node> parse(String text) {
        try (YAMLParser p = (YAMLParser) FACTORY.createParser(text)) {
            YamlTree tree = new YamlTree(p);
            JsonToken first = p.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            Node root = tree.node(first, 0);
            JsonToken next = p.nextToken();
            if (next != null) {
                throw new Problem(tree.here(), "a scenario file holds one YAML document; found a second one here");
            }
            if (root instanceof Scalar s
                    && s.type() != ScalarType.BOOLEAN
                    && s.text().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (YAMLException e) {
            throw new Problem(new Loc(1, 1), "YAML error: " + e.getMessage());
        } catch (IOException e) {
            throw new Problem(new Loc(1, 1), "cannot read YAML: " + e.getMessage());
        }
    }

    /**
     * {@code root} as a YAML document that {@link #parse} reads back as the same tree, locations aside: strings stay
     * strings, integers and booleans are written as the values the scenario loader reads ({@code 0xab} as 171,
     * {@code on} as true), a float as a decimal where that keeps its text ({@code 6.10}), else as a string of that text.
     */
    public static String write(Node root) {
        return write(BLOCK, root);
    }

    /** {@code node} on one line, in flow style, for messages: {@code {buffer: b0, flags: [kvm-mem-dma]}}. */
    public static String flow(Node node) {
        return write(FLOW, node).strip();
    }

    private static String write(YAMLMapper mapper, Node node) {
        try {
            return mapper.writeValueAsString(json(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always writes
        }
    }

    /** Strings plain only where YAML reads them back as the same string, else quoted ({@code "6.10"}, {@code "off"}). */
    private static YAMLMapper.Builder writer(YAMLFactory factory) {
        return YAMLMapper.builder(factory)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES, YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER, YAMLGenerator.Feature.SPLIT_LINES);
    }

    private static DumperOptions flowStyle() {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        o.setSplitLines(false);
        return o;
    }

    private static JsonNode json(Node node) {
        if (node instanceof MapNode m) {
            ObjectNode out = JSON.objectNode();
            m.entries().forEach(e -> out.set(e.key(), json(e.value())));
            return out;
        }
        if (node instanceof SeqNode s) {
            ArrayNode out = JSON.arrayNode();
            s.items().forEach(i -> out.add(json(i)));
            return out;
        }
        Scalar s = (Scalar) node;
        return switch (s.type()) {
            case STRING -> JSON.textNode(s.text());
            case INTEGER -> integer(s.text());
            case FLOAT -> decimal(s.text());
            case BOOLEAN -> JSON.booleanNode(Values.bool(s, ""));
            case NULL -> JSON.nullNode();
        };
    }

    /** An integer {@link Values} cannot read ({@code 0b101}, past a long) the loader reads like a string: so written. */
    private static JsonNode integer(String text) {
        OptionalLong v = Values.parseInteger(text);
        return v.isPresent() ? JSON.numberNode(v.getAsLong()) : JSON.textNode(text);
    }

    /** The loader reads a float only as its text (an unquoted {@code kvm: 6.10} is kernel 6.10), so that is kept. */
    private static JsonNode decimal(String text) {
        try {
            BigDecimal d = new BigDecimal(text);
            if (d.toString().equals(text)) {
                return DecimalNode.valueOf(d);
            }
        } catch (NumberFormatException e) {
            // .inf, .nan, 1_000.5: written as the text
        }
        return JSON.textNode(text);
    }

    private Node node(JsonToken token, int depth) throws IOException {
        Loc loc = here();
        if (depth > MAX_DEPTH) {
            throw new Problem(loc, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (parser.getTypeId() != null) {
            throw new Problem(loc, "YAML tags (" + parser.getTypeId() + ") are not allowed in scenario files");
        }
        if (parser.isCurrentAlias()) {
            throw new Problem(loc, "YAML aliases (*" + parser.getText() + ") are not allowed in scenario files");
        }
        return switch (token) {
            case START_OBJECT -> mapping(loc, depth);
            case START_ARRAY -> sequence(loc, depth);
            case VALUE_STRING -> new Scalar(loc, parser.getText(), ScalarType.STRING);
            case VALUE_NUMBER_INT -> new Scalar(loc, parser.getText(), ScalarType.INTEGER);
            case VALUE_NUMBER_FLOAT -> new Scalar(loc, parser.getText(), ScalarType.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(loc, parser.getText(), ScalarType.BOOLEAN);
            case VALUE_NULL -> new Scalar(loc, parser.getText(), ScalarType.NULL);
            default -> throw new Problem(loc, "unexpected YAML token " + token);
        };
    }

    private MapNode mapping(Loc loc, int depth) throws IOException {
        List<Entry> entries = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new Problem(here(), "expected a key, found " + t);
            }
            String key = parser.currentName();
            Loc keyLoc = here();
            for (Entry e : entries) {
                if (e.key().equals(key)) {
                    throw new Problem(
                            keyLoc,
                            "duplicate key '" + key + "' (first at line "
                                    + e.keyLoc().line() + ", column "
                                    + e.keyLoc().column() + ")");
                }
            }
            entries.add(new Entry(key, keyLoc, node(parser.nextToken(), depth + 1)));
        }
        return new MapNode(loc, List.copyOf(entries));
    }

    private SeqNode sequence(Loc loc, int depth) throws IOException {
        List<Node> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(node(t, depth + 1));
        }
        return new SeqNode(loc, List.copyOf(items));
    }

    private Loc here() {
        JsonLocation l = parser.currentTokenLocation();
        return new Loc(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    private static Problem syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
            return new Problem(
                    new Loc(m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1),
                    "YAML syntax error: " + m.getProblem() + context);
        }
        JsonLocation l = e.getLocation();
        Loc loc = l == null ? new Loc(1, 1) : new Loc(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
        return new Problem(loc, "YAML syntax error: " + e.getOriginalMessage());
    }
}
