package io.meterbridge.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.finance;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.awaitility.Awaitility.await;

/**
 * Late usage of a closed period, made on purpose: a contract with a 60-day grace (so the scheduler does not close last
 * month), last month closed by hand with 1,000 api_requests, then 500 more for it. Price api-requests-2026-v1
 * (graduated, 0.0010 USD up to 100,000).
 */
final class LateUsage {

    record Made(String contractKey, Instant periodStart) {
    }

    private LateUsage() {
    }

    static Made make(String prefix) {
        String tenant = uniqueId(prefix);
        String account = "cus_" + tenant.replace("-", "");
        String key = "contract-" + tenant;
        customer(tenant, account, "2026-01-01T00:00:00Z");
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("contractKey", key);
        contract.put("billingSystem", "stripe");
        contract.put("billingAccountId", account);
        contract.put("billingMode", "HUB_RATES");
        contract.put("billingCycle", "MONTHLY");
        contract.put("anchorDay", 1);
        contract.put("timeZone", "UTC");
        contract.put("gracePeriod", "P60D");
        contract.put("validFrom", "2026-01-01T00:00:00Z");
        contract.put("metrics", List.of(Map.of("metric", "api_requests", "unit", "request",
                "priceVersion", "api-requests-2026-v1")));
        admin().body(contract).post("/api/v1/admin/contracts").then().statusCode(200);

        ZonedDateTime thisMonth = Instant.now().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        String from = thisMonth.minusMonths(1).toInstant().toString(), to = thisMonth.toInstant().toString();
        String eventTime = thisMonth.minusHours(2).toInstant().toString();
        send(apiRequests(tenant, eventTime, 1000, "u1"));
        awaitEvents(account, from, to, 1);
        finance().contentType(ContentType.JSON).body(Map.of("contractKey", key, "at", from))
                .post("/api/v1/billing/periods/close").then().statusCode(200);
        send(apiRequests(tenant, eventTime, 500, "u2"));
        awaitEvents(account, from, to, 2);
        return new Made(key, Instant.parse(from));
    }

    private static void awaitEvents(String account, String from, String to, long events) {
        await().atMost(Duration.ofSeconds(30)).until(() -> usage("customer", account, "api_requests", from, to,
                "PERIOD").then().statusCode(200).extract().jsonPath(), json -> json.getList("windows").size() == 1
                && json.getLong("windows[0].events") == events);
    }
}
