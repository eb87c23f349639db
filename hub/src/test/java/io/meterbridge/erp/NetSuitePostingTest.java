package io.meterbridge.erp;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.erpCustomer;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end into NetSuite: events, period close (with the usage accrual), the Stripe-sandbox invoice, its
 * signed invoice.finalized webhook, and the NetSuite-sandbox invoice with the accounting policy's items, accounts
 * and amounts; the accrual reversed once the invoice posts; nothing personal reaches the ERP.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuitePostingTest {

    private static final String SECRET = "whsec_meterbridge_sandbox";

    @Test
    void aStripeInvoiceBecomesANetSuiteInvoiceAfterItsAccrualWhichIsThenReversed() throws Exception {
        String tenant = uniqueId("ns");
        // 500 above the commitment x 0.0010 = 0.50, true-up 49.50, storage 3 x 4.00 = 12.00: 62.00 USD.
        String delivery = closedSeptember(tenant, "netsuite");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        awaitPosted(accrual);
        String invoiceId = deliveredAs(delivery);
        String event = invoiceFinalized(invoiceId);
        stripeWebhook(event, SECRET).then().statusCode(200);
        String posting = "mb-inv-stripe-" + invoiceId;
        awaitPosted(posting);
        String reversal = "mb-accrrev-contract-" + tenant + "-20260901";
        awaitPosted(reversal);

        // The same event again (Stripe retries) changes nothing.
        stripeWebhook(event, SECRET).then().statusCode(200).body("duplicate", org.hamcrest.Matchers.is(true));

        List<Map<String, Object>> invoices = SandboxClient.netSuite().recordsJson("invoice").getList("findAll { it.externalId == '" + posting + "' }");
        assertThat(invoices).hasSize(1);
        String invoiceJson = Events.MAPPER.writeValueAsString(invoices.get(0));
        JsonPath invoice = JsonPath.from(invoiceJson);
        assertThat(invoice.getList("item.items.item.id")).containsExactlyInAnyOrder("201", "201", "203");
        assertThat(invoice.getList("item.items.amount", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("0.50"), new BigDecimal("49.50"), new BigDecimal("12.00"));
        assertThat(invoice.getString("entity.externalId")).isEqualTo(erpCustomer(tenant));
        assertThat(invoice.getString("subsidiary.id")).isEqualTo("1");
        assertThat(invoice.getString("account.id")).isEqualTo("1100");

        List<Map<String, Object>> journals = SandboxClient.netSuite().recordsJson("journalEntry").getList(
                "findAll { it.externalId == '" + accrual + "' || it.externalId == '" + reversal + "' }");
        assertThat(journals).hasSize(2);
        JsonPath accrued = JsonPath.from(Events.MAPPER.writeValueAsString(
                journals.stream().filter(j -> accrual.equals(j.get("externalId"))).findFirst().orElseThrow()));
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '1350' }.debit")))
                .isEqualByComparingTo("62.00");
        assertThat(new BigDecimal(accrued.getString("line.items.find { it.account.id == '4010' }.credit")))
                .isEqualByComparingTo("50.00");
        JsonPath reversed = JsonPath.from(Events.MAPPER.writeValueAsString(
                journals.stream().filter(j -> reversal.equals(j.get("externalId"))).findFirst().orElseThrow()));
        assertThat(new BigDecimal(reversed.getString("line.items.find { it.account.id == '1350' }.credit")))
                .isEqualByComparingTo("62.00");

        // Data minimisation: no tenant, user or e-mail ever reached NetSuite.
        String sentToNetSuite = Events.MAPPER.writeValueAsString(SandboxClient.of("netsuite").journalJson().getList("params"));
        assertThat(sentToNetSuite).doesNotContain("carol", "@example.com", "user_id");
    }

    @Test
    void aWebhookWithABadSignatureIsRefusedAndRecordsNothing() {
        String payload = "{\"id\":\"evt_forged\",\"type\":\"invoice.finalized\",\"data\":{\"object\":{}}}";
        stripeWebhook(payload, "whsec_wrong").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("no v1 signature matches"));
        RestAssured.given().contentType("application/json").body(payload).post("/api/v1/webhooks/stripe").then()
                .statusCode(400).body("error", org.hamcrest.Matchers.containsString("Stripe-Signature header missing"));
        assertThat(finance().get("/api/v1/erp/documents").then().extract().jsonPath().getList("source_id"))
                .doesNotContain("evt_forged");
    }

    @Test
    void aDocumentWithAMetricThePolicyDoesNotMapGoesToTheExceptionQueue() throws Exception {
        String tenant = uniqueId("ns-unmapped");
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "netsuite", "stripe", customer, "HUB_RATES", null, null, Map.of(), "api_requests");
        ObjectNode invoice = Events.MAPPER.createObjectNode().put("id", "in_" + tenant.replace("-", ""))
                .put("object", "invoice").put("customer", customer).put("currency", "usd").put("total", 700)
                .put("status", "open").put("created", 1790000000L);
        ArrayNode lines = invoice.putObject("lines").putArray("data");
        lines.addObject().put("id", "il_1").put("amount", 700).put("description", "sms_sent: 700 messages")
                .putObject("metadata").put("metric", "sms_sent");
        String event = Events.MAPPER.writeValueAsString(Events.MAPPER.createObjectNode().put("id", "evt_" + tenant)
                .put("object", "event").put("type", "invoice.finalized")
                .set("data", Events.MAPPER.createObjectNode().set("object", invoice)));
        stripeWebhook(event, SECRET).then().statusCode(200);
        assertThat(finance().get("/api/v1/erp/exceptions").then().extract().jsonPath().getList("reason", String.class))
                .anyMatch(reason -> reason.contains("[sms_sent]") && reason.contains("netsuite"));
        assertThat(SandboxClient.netSuite().recordsJson("invoice").getList("externalId")).doesNotContain("mb-inv-stripe-" + invoice.get("id").asText());
    }

    /** The invoice.finalized event Stripe sends, built from the sandbox's invoice and its items. */
    static String invoiceFinalized(String invoiceId) throws Exception {
        String key = "sk_test_meterbridge_sandbox";
        ObjectNode invoice = (ObjectNode) Events.MAPPER.readTree(RestAssured.given().auth().oauth2(key)
                .get("/sandbox/stripe/v1/invoices/" + invoiceId).then().statusCode(200).extract().asString());
        if (!invoice.path("lines").path("data").isArray() || invoice.path("lines").path("data").isEmpty()) {
            ArrayNode items = (ArrayNode) Events.MAPPER.readTree(RestAssured.given().auth().oauth2(key)
                    .queryParam("invoice", invoiceId).get("/sandbox/stripe/v1/invoiceitems").then().statusCode(200)
                    .extract().asString()).path("data");
            ArrayNode lines = invoice.putObject("lines").put("object", "list").putArray("data");
            items.forEach(item -> lines.addObject().put("id", "il_" + item.path("id").asText())
                    .put("amount", item.path("amount").asLong()).put("description", item.path("description").asText())
                    .set("metadata", item.path("metadata")));
        }
        ObjectNode event = Events.MAPPER.createObjectNode().put("id", "evt_" + invoiceId).put("object", "event")
                .put("type", "invoice.finalized").put("api_version", "2024-04-10");
        event.putObject("data").set("object", invoice);
        return Events.MAPPER.writeValueAsString(event);
    }
}
