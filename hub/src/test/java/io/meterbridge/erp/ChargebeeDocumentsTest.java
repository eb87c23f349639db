package io.meterbridge.erp;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.chargebeeInvoices;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Chargebee's event webhooks (basic auth): invoice_generated becomes a NetSuite invoice linked to its period close
 * (so its accrual is reversed), payment_succeeded a customer payment; wrong credentials are refused.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ChargebeeDocumentsTest {

    @Test
    void aChargebeeInvoiceAndItsPaymentPostToNetSuite() {
        String tenant = uniqueId("cbdoc");
        String account = "cb_" + tenant;
        contract(tenant, "netsuite", "chargebee", account, "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 1500, "dave@example.com"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        String invoice = chargebeeInvoices(account).getString("list[0].invoice.id");

        String posting = "mb-inv-chargebee-" + invoice;
        awaitPosted(posting);
        awaitPosted("mb-accrrev-contract-" + tenant + "-20260901");
        assertThat(finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getString("find { it.source_id == '" + invoice + "' }.contract_key")).isEqualTo("contract-" + tenant);
        // 500 above the commitment x 0.0010 = 0.50 and the true-up 49.50, on the api_requests item.
        List<Map<String, Object>> invoices = SandboxClient.netSuite().recordsJson("invoice").getList("findAll { it.externalId == '" + posting + "' }");
        assertThat(invoices).hasSize(1);
        assertThat(String.valueOf(invoices.get(0))).contains("201");

        RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "").contentType("application/x-www-form-urlencoded")
                .formParam("transaction[amount]", 5000).formParam("transaction[payment_method]", "bank_transfer")
                .formParam("transaction[date]", java.time.Instant.now().getEpochSecond())
                .post("/sandbox/chargebee/api/v2/invoices/" + invoice + "/record_payment").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> finance().get("/api/v1/erp/postings").then().extract()
                .jsonPath().getList("findAll { it.kind == 'PAYMENT' && it.status == 'POSTED' && it.payload.relatedExternalId == '"
                        + posting + "' }").size() == 1);
    }

    @Test
    void aChargebeeWebhookWithWrongCredentialsIsRefused() {
        RestAssured.given().auth().preemptive().basic("meterbridge", "wrong").contentType("application/json")
                .body("{\"id\":\"ev_forged\",\"event_type\":\"invoice_generated\",\"content\":{}}")
                .post("/api/v1/webhooks/chargebee").then().statusCode(401);
    }
}
