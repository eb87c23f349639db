package io.meterbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;

/** A billing delivery as it travels on the deliveries topic and through the billing-sync routes. */
public record DeliveryMessage(String id, String target, String kind, String contractKey, JsonNode payload) {
}
