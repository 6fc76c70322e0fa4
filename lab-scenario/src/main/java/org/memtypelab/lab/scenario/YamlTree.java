package org.memtypelab.lab.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

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

    /**
     * The deepest nesting of mappings and lists, enforced by Jackson ({@code StreamReadConstraints.maxNestingDepth});
     * a scenario needs 5, a campaign spec 6.
     */
    public static final int MAX_DEPTH = 32;

    /** The longest text in characters, enforced by SnakeYAML ({@code LoaderOptions.codePointLimit}). */
    public static final int MAX_CODE_POINTS = YamlFile.MAX_BYTES;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    private static final Pattern JAVA_NAME =
            Pattern.compile("<?\\b(?:java|javax|com\\.fasterxml|org\\.yaml)\\.[\\w.$]+(?:\\([^)]*\\))?>?");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final YAMLMapper BLOCK = writer(YAMLFactory.builder().build())
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();
    private static final YAMLMapper FLOW =
            writer(YAMLFactory.builder().dumperOptions(flowStyle()).build()).build();

    private final YAMLParser parser;
    private final String text;

    private YamlTree(YAMLParser parser, String text) {
        this.parser = parser;
        this.text = text;
    }

    /**
     * Only the code point limit applies to Jackson's streaming parser: SnakeYAML checks its alias, nesting and
     * duplicate-key options only when it composes a node graph, which Jackson never asks for. So aliases are refused
     * and duplicate keys reported by {@link #node}, and the nesting depth is Jackson's.
     */
    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_CODE_POINTS);
        return o;
    }

    /** Parses one YAML document; empty when the text holds no document at all. */
    public static Optional<Node> parse(String text) {
        try (YAMLParser p = (YAMLParser) FACTORY.createParser(text)) {
            return new YamlTree(p, text).document();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // opening or closing a parser of a String does no I/O
        }
    }

    private Optional<Node> document() {
        try {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            Node root = node(first);
            JsonToken next = parser.nextToken();
            if (next != null) {
                throw new Problem(here(), "a scenario file holds one YAML document; found a second one here");
            }
            if (root instanceof Scalar s
                    && s.type() != ScalarType.BOOLEAN
                    && s.text().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (StreamConstraintsException e) {
            throw new Problem(
                    here(),
                    "mappings and lists nested more than " + MAX_DEPTH + " levels deep; allowed: at most " + MAX_DEPTH
                            + " (a scenario needs 5)");
        } catch (JsonProcessingException e) {
            throw syntaxError(e.getCause(), e.getLocation(), e.getOriginalMessage());
        } catch (YAMLException e) {
            throw syntaxError(e, null, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a parser of a String does no I/O
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

    private Node node(JsonToken token) throws IOException {
        Loc loc = here();
        if (parser.getTypeId() != null) {
            throw new Problem(loc, "YAML tags (" + parser.getTypeId() + ") are not allowed in scenario files");
        }
        if (parser.isCurrentAlias()) {
            throw new Problem(loc, "YAML aliases (*" + parser.getText() + ") are not allowed in scenario files");
        }
        return switch (token) {
            case START_OBJECT -> mapping(loc);
            case START_ARRAY -> sequence(loc);
            case VALUE_STRING -> new Scalar(loc, parser.getText(), ScalarType.STRING);
            case VALUE_NUMBER_INT -> new Scalar(loc, parser.getText(), ScalarType.INTEGER);
            case VALUE_NUMBER_FLOAT -> new Scalar(loc, parser.getText(), ScalarType.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(loc, parser.getText(), ScalarType.BOOLEAN);
            case VALUE_NULL -> new Scalar(loc, parser.getText(), ScalarType.NULL);
            default -> throw new Problem(loc, "unexpected YAML token " + token);
        };
    }

    private MapNode mapping(Loc loc) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Entry> byKey = new HashMap<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw new Problem(here(), "expected a key, found " + t);
            }
            String key = parser.currentName();
            Loc keyLoc = here();
            Entry first = byKey.get(key);
            if (first != null) {
                throw new Problem(
                        keyLoc,
                        "duplicate key '" + key + "' (first at line "
                                + first.keyLoc().line() + ", column "
                                + first.keyLoc().column() + ")");
            }
            Entry entry = new Entry(key, keyLoc, node(parser.nextToken()));
            byKey.put(key, entry);
            entries.add(entry);
        }
        return new MapNode(loc, List.copyOf(entries));
    }

    private SeqNode sequence(Loc loc) throws IOException {
        List<Node> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(node(t));
        }
        return new SeqNode(loc, List.copyOf(items));
    }

    private Loc here() {
        JsonLocation l = parser.currentTokenLocation();
        return new Loc(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /** A parser's complaint in plain words, at the place it names. */
    private Problem syntaxError(Throwable cause, JsonLocation at, String message) {
        if (cause instanceof ReaderException r) {
            int index = text.indexOf(Character.toString(r.getCodePoint()));
            return new Problem(
                    index < 0 ? new Loc(1, 1) : YamlFile.locationAfter(text.substring(0, index)),
                    String.format(
                            "character U+%04X is not allowed in YAML text (a control or non-character code point);"
                                    + " allowed: printable characters, tab and line breaks",
                            r.getCodePoint()));
        }
        if (cause instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
            return new Problem(
                    new Loc(m.getProblemMark().getLine() + 1, m.getProblemMark().getColumn() + 1),
                    "YAML syntax error: " + plain(m.getProblem() + context));
        }
        if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            return new Problem(
                    YamlFile.locationAfter(text.substring(0, text.offsetByCodePoints(0, MAX_CODE_POINTS))),
                    "the text is longer than " + MAX_CODE_POINTS + " characters; allowed: at most " + MAX_CODE_POINTS);
        }
        Loc loc = at == null || at.getLineNr() < 1 ? here() : new Loc(at.getLineNr(), Math.max(1, at.getColumnNr()));
        if (message != null && message.startsWith("Expected a field name")) {
            return new Problem(
                    here(), // where the key starts; Jackson's location is where it ends
                    "a mapping key must be a plain word or a quoted string, not a list, a mapping or an alias");
        }
        return new Problem(loc, "YAML syntax error: " + plain(message));
    }

    /** A parser's message without the Java names some carry ({@code <org.yaml.snakeyaml.events...>}). */
    private static String plain(String message) {
        String m =
                message == null ? "" : JAVA_NAME.matcher(message).replaceAll("").strip();
        return m.isEmpty() ? "the text is not valid YAML here" : m;
    }
}
