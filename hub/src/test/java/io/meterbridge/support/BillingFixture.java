package io.meterbridge.support;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.awaitility.Awaitility.await;

/** Contracts priced by the demo price books, usage events, period close and the sandboxes, as the tests need them. */
public final class BillingFixture {

    private BillingFixture() {
    }

    /**
     * A tenant with a billing account and a contract, valid from 2026-09-01 (so September, the month most tests bill, is
     * its first period: the closed periods of a contract leave no gap, V82), monthly from the 1st, UTC; a test billing
     * another month sets {@code validFrom} with {@link #contractWith}. committed: per
     * metric, the quantity the contract both includes and commits to.
     */
    public static void contract(String tenant, String system, String account, String mode, String subscription,
            BigDecimal prepaidCredits, Map<String, BigDecimal> committed, String... metrics) {
        contract(tenant, "netsuite", system, account, mode, subscription, prepaidCredits, committed, metrics);
    }

    /** The same, with the ERP the customer posts to (netsuite, business-central); its ERP customer is ERP-tenant. */
    public static void contract(String tenant, String erp, String system, String account, String mode,
            String subscription, BigDecimal prepaidCredits, Map<String, BigDecimal> committed, String... metrics) {
        contractWith(tenant, erp, system, account, mode, subscription, prepaidCredits, committed, Map.of(), metrics);
    }

    /** The same, with contract fields set or replaced ({@code anchorDay}, {@code finalizationGrace}, ...). */
    public static void contractWith(String tenant, String erp, String system, String account, String mode,
            String subscription, BigDecimal prepaidCredits, Map<String, BigDecimal> committed, Map<String, Object> fields,
            String... metrics) {
        admin().body(Map.of("tenant", tenant, "crmAccountId", "crm-" + tenant, "billingSystem", system,
                "billingAccountId", account, "erpSystem", erp, "erpCustomerId", erpCustomer(tenant), "currency", "USD",
                "timeZone", "UTC", "validFrom", "2026-01-01T00:00:00Z"))
                .post("/api/v1/admin/customers").then().statusCode(200);
        List<Map<String, Object>> terms = new ArrayList<>();
        for (String metric : metrics) {
            Map<String, Object> term = new LinkedHashMap<>();
            term.put("metric", metric);
            term.put("unit", metric.startsWith("storage") ? "GB" : "unit");
            term.put("priceVersion", PRICE_VERSIONS.get(metric));
            term.put("platformPriceRef", metric.replace('_', '-') + "-meter");
            if (committed.containsKey(metric)) {
                // Included (free, the units above priced at their position) and committed (the CRM follow-ups) alike.
                term.put("includedQuantity", committed.get(metric));
                term.put("committedQuantity", committed.get(metric));
            }
            terms.add(term);
        }
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("contractKey", contractKey(tenant));
        contract.put("billingSystem", system);
        contract.put("billingAccountId", account);
        contract.put("billingMode", mode);
        contract.put("billingSubscriptionId", subscription);
        contract.put("prepaidCredits", prepaidCredits);
        contract.put("billingCycle", "MONTHLY");
        contract.put("anchorDay", 1);
        contract.put("timeZone", "UTC");
        contract.put("gracePeriod", "P3D");
        contract.put("validFrom", "2026-09-01T00:00:00Z");
        contract.put("metrics", terms);
        contract.putAll(fields);
        admin().body(contract).post("/api/v1/admin/contracts").then().statusCode(200);
    }

    /**
     * An anchor day (UTC) whose current period has at least {@code endedDays} ended days today: a Stripe meter usage
     * test's days then lie in a period Stripe has not finalized, whatever the date the test runs on.
     */
    public static int anchorDayWithEndedDays(int endedDays) {
        return Math.min(28, java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(endedDays + 1L).getDayOfMonth());
    }

    public static final Map<String, String> PRICE_VERSIONS = Map.of("api_requests", "api-requests-2026-v1",
            "active_users", "active-users-2026-v1", "storage_gb_peak", "storage-2026-v1",
            "feature_runs", "feature-runs-2026-v1");

    public static String erpCustomer(String tenant) {
        return "ERP-" + tenant;
    }

    public static String contractKey(String tenant) {
        return "contract-" + tenant;
    }

    public static ObjectNode apiRequests(String tenant, String time, int count, String user) {
        ObjectNode event = Events.apiRequest(Events.uniqueId("bill"), count, user);
        event.put("subject", tenant);
        event.put("time", time);
        return event;
    }

    public static ObjectNode storage(String tenant, String time, long bytes) {
        ObjectNode event = apiRequests(tenant, time, 1, "x");
        event.put("type", "storage.usage");
        event.putObject("data").put("bytes", bytes).put("bucket", "b").put("storage_class", "standard");
        return event;
    }

    public static ObjectNode featureRun(String tenant, String time) {
        ObjectNode event = apiRequests(tenant, time, 1, "x");
        event.put("type", "feature.execution");
        event.putObject("data").put("feature", "report").put("duration_ms", 20);
        return event;
    }

    public static void send(ObjectNode... events) {
        Events.post(Events.batch(events), BATCH).then().statusCode(202);
    }

    /** Waits until metering shows the tenant's usage of a metric in [from, to) at the expected quantity. */
    public static void awaitUsage(String tenant, String metric, String from, String to, String expected) {
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            List<Object> quantities = MasterDataFixture.usage("subject", tenant, metric, from, to, "MONTH").then()
                    .statusCode(200).extract().jsonPath().getList("windows.quantity");
            return quantities.size() == 1 && new BigDecimal(String.valueOf(quantities.get(0)))
                    .compareTo(new BigDecimal(expected)) == 0;
        });
    }

    /** POST /api/v1/billing/periods/close as finance. */
    public static JsonPath close(String tenant, String at) {
        return finance().contentType(ContentType.JSON).body(Map.of("contractKey", contractKey(tenant), "at", at))
                .post("/api/v1/billing/periods/close").then().statusCode(200).extract().jsonPath();
    }

    public static JsonPath charges(long closeId) {
        return finance().get("/api/v1/billing/periods/" + closeId + "/charges").then().statusCode(200).extract().jsonPath();
    }

    /** The delivery's status, as the deliveries API shows it. */
    public static String deliveryStatus(String deliveryId) {
        List<Map<String, Object>> rows = finance().get("/api/v1/billing/deliveries").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.id == '" + deliveryId + "' }");
        return rows.isEmpty() ? null : String.valueOf(rows.get(0).get("status"));
    }

    public static io.restassured.specification.RequestSpecification sandbox() {
        return RestAssured.given().contentType(ContentType.JSON);
    }

    /** The Stripe sandbox's invoices of a customer, as Stripe lists them. */
    public static JsonPath stripeInvoices(String customer) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").queryParam("customer", customer)
                .get("/sandbox/stripe/v1/invoices").then().statusCode(200).extract().jsonPath();
    }

    public static JsonPath stripeInvoiceItems(String invoice) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").queryParam("invoice", invoice)
                .get("/sandbox/stripe/v1/invoiceitems").then().statusCode(200).extract().jsonPath();
    }

    /** The Chargebee sandbox's usages of a subscription (up to 100). */
    public static JsonPath chargebeeUsages(String subscription) {
        return RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "")
                .queryParam("subscription_id[is]", subscription).queryParam("limit", 100)
                .get("/sandbox/chargebee/api/v2/usages").then().statusCode(200).extract().jsonPath();
    }

    /** The Chargebee sandbox's invoices of a customer. */
    public static JsonPath chargebeeInvoices(String customer) {
        return RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "")
                .queryParam("customer_id[is]", customer).get("/sandbox/chargebee/api/v2/invoices").then().statusCode(200)
                .extract().jsonPath();
    }

    /** Posts a Stripe event to the hub's webhook, signed as Stripe signs it with the sandbox's endpoint secret. */
    public static io.restassured.response.Response stripeWebhook(String payload, String secret) {
        String signature = io.meterbridge.ingest.SignatureVerifier.sign(secret, java.time.Instant.now().getEpochSecond(),
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return RestAssured.given().contentType(ContentType.JSON).header("Stripe-Signature", signature)
                .body(payload).post("/api/v1/webhooks/stripe");
    }

    /** An ERP posting's status, as the ERP API shows it. */
    public static String postingStatus(String id) {
        List<Map<String, Object>> rows = finance().get("/api/v1/erp/postings").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.id == '" + id + "' }");
        return rows.isEmpty() ? null : String.valueOf(rows.get(0).get("status"));
    }

    /**
     * A Stripe-billed, hub-rated customer posting to {@code erp}, with September usage (1,500 requests over a 1,000
     * commitment and 250 GB peak: 62.00 USD), its period closed. Returns the billing delivery id.
     */
    public static String closedSeptember(String tenant, String erp) {
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, erp, "stripe", customer, "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "storage_gb_peak");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "carol@example.com"),
                storage(tenant, "2026-09-11T10:00:00Z", 250_000_000_000L));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "storage_gb_peak", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "250");
        return close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
    }

    /**
     * A Stripe-billed, hub-rated tenant with September usage: 2 users and 1,500 requests over a 1,000 commitment,
     * billed as 3 invoice items of 4.00, 0.50 and 49.50 USD (54.00). Its Stripe customer is {@link #stripeCustomer}.
     */
    public static String stripeTenantWithSeptemberUsage(String prefix) {
        String tenant = Events.uniqueId(prefix);
        contract(tenant, "stripe", stripeCustomer(tenant), "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "active_users", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "2");
        return tenant;
    }

    public static String stripeCustomer(String tenant) {
        return "cus_" + tenant.replace("-", "");
    }

    /** The platform's id of a delivered document, once delivered. */
    public static String deliveredAs(String delivery) {
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        return finance().get("/api/v1/billing/deliveries").then().extract().jsonPath()
                .getString("find { it.id == '" + delivery + "' }.external_id");
    }

    public static void awaitPosted(String posting) {
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> "POSTED".equals(postingStatus(posting)));
    }

    /** A POST to the Stripe sandbox as a Stripe client makes it (form body, Bearer key, idempotency key). */
    public static JsonPath stripePost(String path, Map<String, String> form) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").contentType(ContentType.URLENC)
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString()).formParams(form).post("/sandbox/stripe" + path)
                .then().statusCode(200).extract().jsonPath();
    }
}
