package io.meterbridge.crm;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.support.Events;
import io.meterbridge.support.Topics;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.awaitility.Awaitility.await;

/**
 * One customer with its own contract committing {@code committed} api_requests, in a period that started at least a
 * day ago and lasts about a month more (anchor day = yesterday's, at most the 28th), with 10 days of grace so the
 * previous period is still open. Isolated from every other test by unique tenant, account and contract key.
 */
final class Commitments {

    static final String NOTIFICATIONS = "meterbridge.notifications";

    final String tenant;
    final String account;
    final String contractKey;
    final String crmAccountId;
    final int anchorDay;
    final BillingPeriod current;
    final BillingPeriod previous;

    Commitments(String prefix, long committed) {
        String unique = UUID.randomUUID().toString().replace("-", "");
        tenant = prefix + "-" + unique.substring(0, 12);
        account = "cus_" + tenant;
        contractKey = "contract-" + tenant;
        crmAccountId = ("001" + unique.substring(12, 27)).toUpperCase(Locale.ROOT); // 18 characters
        Instant now = Instant.now();
        anchorDay = Math.min(28, now.minus(1, ChronoUnit.DAYS).atZone(ZoneOffset.UTC).getDayOfMonth());
        current = BillingPeriod.monthly(now, ZoneOffset.UTC, anchorDay);
        previous = BillingPeriod.monthly(current.start().minusMillis(1), ZoneOffset.UTC, anchorDay);
        String validFrom = previous.start().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS).toString();
        admin().body(Map.of("tenant", tenant, "crmAccountId", crmAccountId, "billingSystem", "stripe",
                "billingAccountId", account, "currency", "USD", "timeZone", "UTC", "validFrom", validFrom))
                .post("/api/v1/admin/customers").then().statusCode(200);
        admin().body(Map.of("contractKey", contractKey, "billingSystem", "stripe", "billingAccountId", account,
                "billingCycle", "MONTHLY", "anchorDay", anchorDay, "timeZone", "UTC", "gracePeriod", "P10D",
                "validFrom", validFrom, "metrics", List.of(Map.of("metric", "api_requests", "unit", "request",
                        "priceVersion", "api-requests-test-v1", "committedQuantity", committed))))
                .post("/api/v1/admin/contracts").then().statusCode(200);
    }

    /** Sends one signed api.request event of the given count, at the given time. */
    void requests(int count, Instant time) {
        ObjectNode event = Events.apiRequest(Events.uniqueId("commit"), count, "u1");
        event.put("subject", tenant);
        event.put("time", time.toString());
        Events.post(Events.batch(event), Events.BATCH).then().statusCode(202);
    }

    /** Usage in the current period, a minute ago. */
    void requestsNow(int count) {
        requests(count, Instant.now().minus(1, ChronoUnit.MINUTES));
    }

    /** Waits until metering has counted the period's usage up to the given total. */
    void awaitUsage(BillingPeriod period, long total) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode json = Events.MAPPER.readTree(usage("subject", tenant, "api_requests", period.start().toString(),
                    period.end().toString(), "PERIOD").then().statusCode(200).extract().asString());
            long sum = 0;
            for (JsonNode window : json.path("windows")) {
                sum += window.path("quantity").asLong();
            }
            return sum == total;
        });
    }

    String alertKey(BillingPeriod period, int threshold) {
        return "mb-commit-" + contractKey + "-api_requests-" + LocalDate.ofInstant(period.start(), ZoneOffset.UTC)
                + "-" + threshold;
    }

    /** The sandbox's tasks of this contract (its alert keys start with the contract key). */
    List<JsonNode> tasks() {
        return sandboxTasks().stream().filter(t -> t.path("Meterbridge_Alert_Key__c").asText()
                .startsWith("mb-commit-" + contractKey + "-")).toList();
    }

    static List<JsonNode> sandboxTasks() {
        return SandboxClient.crm().tasks();
    }

    /** Requests the sandbox received for this contract's alerts. */
    List<JsonNode> crmRequests() {
        return SandboxClient.crm().journal().stream().filter(r -> r.path("body").asText().contains("mb-commit-" + contractKey + "-")).toList();
    }

    /** Notification events of this contract (key = contract key). */
    List<JsonNode> notifications() {
        return Topics.readAll(NOTIFICATIONS).stream().filter(r -> contractKey.equals(r.key()))
                .map(r -> Topics.parse(r.value())).toList();
    }

    static List<JsonNode> list(String json) {
        try {
            ArrayNode array = (ArrayNode) Events.MAPPER.readTree(json);
            return java.util.stream.StreamSupport.stream(array.spliterator(), false).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BigDecimal decimal(JsonNode node) {
        return new BigDecimal(node.asText());
    }
}
