package io.meterbridge.support;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.path.json.JsonPath;

import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.awaitility.Awaitility.await;

/** Retractions and corrections of usage events as a producer sends them (docs/api/ingest.md). */
public final class Adjustments {

    private Adjustments() {
    }

    /** A new event (own id) that retracts {@code original}: the original's attributes and data, plus retracts. */
    public static ObjectNode retraction(ObjectNode original) {
        ObjectNode retraction = original.deepCopy();
        retraction.put("id", Events.uniqueId("retract"));
        retraction.remove("corrects");
        retraction.put("retracts", original.path("id").asText());
        return retraction;
    }

    /** A new event that corrects {@code original} to {@code count} requests. */
    public static ObjectNode correction(ObjectNode original, int count) {
        return correction(original, "count", count);
    }

    /** A new event that corrects {@code original}: its data with {@code field} set to {@code value}. */
    public static ObjectNode correction(ObjectNode original, String field, long value) {
        ObjectNode correction = original.deepCopy();
        correction.put("id", Events.uniqueId("correct"));
        correction.remove("retracts");
        correction.put("corrects", original.path("id").asText());
        ((ObjectNode) correction.path("data")).put(field, value);
        return correction;
    }

    /** The start of the current UTC hour: a time of the open period, late by no rule. */
    public static String thisHour() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).toString();
    }

    /** [start, end) of the current UTC month: the open period of a contract billed monthly from the 1st, in UTC. */
    public static String[] thisMonth() {
        java.time.ZonedDateTime start = Instant.now().atZone(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
                .withDayOfMonth(1);
        return new String[] {start.toInstant().toString(), start.plusMonths(1).toInstant().toString()};
    }

    /** The tenant's metric over [from, to) in one PERIOD window, once it shows {@code quantity}. */
    public static JsonPath awaitQuantity(String tenant, String metric, String from, String to, String quantity) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> usage("subject", tenant, metric, from, to, "PERIOD")
                .then().statusCode(200).extract().jsonPath(), json -> json.getList("windows").size() == 1
                && new BigDecimal(json.getString("windows[0].quantity")).compareTo(new BigDecimal(quantity)) == 0);
    }

    public static List<Map<String, Object>> quarantined(String tenant) {
        return admin().queryParam("subject", tenant).get("/api/v1/admin/quarantine").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }
}
