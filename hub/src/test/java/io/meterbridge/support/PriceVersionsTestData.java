package io.meterbridge.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** A price version given as a map, as the tree the billing API reads (decimals exact). */
public final class PriceVersionsTestData {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private PriceVersionsTestData() {
    }

    public static JsonNode tree(Object version) {
        return JSON.valueToTree(version);
    }
}
