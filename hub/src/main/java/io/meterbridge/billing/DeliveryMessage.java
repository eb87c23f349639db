package io.meterbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;

/** A billing delivery as billing-sync loads it from its row (the deliveries topic carries only its id). */
public record DeliveryMessage(String id, String target, String kind, String contractKey, JsonNode payload) {
}
