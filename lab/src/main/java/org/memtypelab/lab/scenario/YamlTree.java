package org.memtypelab.lab.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A YAML document read with Jackson's YAML parser into plain nodes that remember where each key and value was
 * written, so that every later check can point at it. Nothing is ever bound to a class named in the file: tags and
 * aliases are refused.
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
