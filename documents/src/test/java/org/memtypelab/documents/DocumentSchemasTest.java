package org.memtypelab.documents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas in {@code docs/schemas/} are generated from the document records, so the published schema is the
 * one the code writes and reads. A record change without a regenerated schema fails here; regenerate with
 * {@code ./mvnw -pl documents test -Dtest=DocumentSchemasTest -Dschemas.write=true}.
 */
class DocumentSchemasTest {

    private static final Path SCHEMAS = Path.of("..", "docs", "schemas");

    static Stream<Arguments> documents() {
        return Stream.of(
                Arguments.of(RunResult.class, "result.schema.json", "memtype-lab result.json"),
                Arguments.of(CampaignSummary.class, "campaign.schema.json", "memtype-lab campaign.json"),
                Arguments.of(TraceLine.class, "trace-line.schema.json", "memtype-lab trace and history line"));
    }

    static JsonNode schema(Class<?> type, String title) {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(
                        Documents.JSON, SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(new JacksonModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE));
        // core's sealed types (Observation, MappingType) carry their names as protocol mix-ins: list their variants
        config.forTypesInGeneral()
                .withSubtypeResolver((declared, context) -> declared.getErasedType()
                                        .isSealed()
                                && declared.getErasedType() != type
                                && !declared.getErasedType()
                                        .isAnnotationPresent(com.fasterxml.jackson.annotation.JsonSubTypes.class)
                        ? Arrays.stream(declared.getErasedType().getPermittedSubclasses())
                                .map(c -> context.getTypeContext().resolveSubtype(declared, c))
                                .toList()
                        : null);
        ObjectNode schema = new SchemaGenerator(config.build()).generateSchema(type);
        schema.put("title", title);
        return schema;
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("documents")
    void thePublishedSchemaIsGeneratedFromTheRecords(Class<?> type, String file, String title) throws Exception {
        String generated = Documents.PRETTY.writeValueAsString(schema(type, title)) + "\n";
        Path published = SCHEMAS.resolve(file);
        if (Boolean.getBoolean("schemas.write")) {
            Files.createDirectories(SCHEMAS);
            Files.writeString(published, generated, StandardCharsets.UTF_8);
        }

        assertThat(published)
                .as("docs/schemas/%s exists (regenerate: see this class's Javadoc)", file)
                .exists();
        assertThat(Files.readString(published, StandardCharsets.UTF_8))
                .as("docs/schemas/%s is out of date (regenerate: see this class's Javadoc)", file)
                .isEqualTo(generated);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("documents")
    void theSchemaNamesEveryTopLevelField(Class<?> type, String file, String title) {
        JsonNode schema = schema(type, title);
        if (type == RunResult.class) {
            List<String> fields = List.of("scenario", "verdict", "mappings", "hazards", "nodes_lost", "wall_ms");
            assertThat(schema.path("properties").fieldNames()).toIterable().containsAll(fields);
        } else if (type == CampaignSummary.class) {
            List<String> fields = List.of("campaign", "faults", "runs_planned", "totals", "cells", "exit_code");
            assertThat(schema.path("properties").fieldNames()).toIterable().containsAll(fields);
            assertThat(schema.toString()).contains("\"reason\"", "\"oracle\"", "\"truth_mismatches\"", "\"p99_ms\"");
        } else {
            assertThat(schema.toString()).contains("\"recv\"", "\"event\"", "\"observation\"", "\"lamport\"");
        }
    }
}
