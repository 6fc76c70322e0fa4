package org.memtypelab.lab.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.memtypelab.protocol.wire.CoreTypes;

/** Jackson for campaign.json. */
final class CampaignJson {

    static final ObjectMapper JSON = CoreTypes.json().enable(SerializationFeature.INDENT_OUTPUT);

    private CampaignJson() {}

    static void write(Path file, Map<String, Object> doc) throws IOException {
        JSON.writeValue(file.toFile(), doc);
    }
}
