package io.meterbridge.erp;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.postingStatus;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A document's currency decides how it posts to NetSuite: one the policy does not map (JPY) is an accounting
 * exception and never reaches NetSuite; one the policy maps but that is not the customer's (EUR for a USD customer)
 * is refused by NetSuite, and the posting is FAILED with NetSuite's reason instead of being booked in dollars.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class DocumentCurrencyPostingTest {

    private static String finalizedInvoice(String tenant, String customer, String currency, long total) throws Exception {
        ObjectNode invoice = Events.MAPPER.createObjectNode().put("id", "in_" + tenant.replace("-", ""))
                .put("object", "invoice").put("customer", customer).put("currency", currency).put("total", total)
                .put("status", "open").put("created", 1790000000L);
        ArrayNode lines = invoice.putObject("lines").putArray("data");
        lines.addObject().put("id", "il_1").put("amount", total).put("description", "api_requests: 1000 requests")
                .putObject("metadata").put("metric", "api_requests");
        stripeWebhook(Events.MAPPER.writeValueAsString(Events.MAPPER.createObjectNode().put("id", "evt_" + tenant)
                .put("object", "event").put("type", "invoice.finalized")
                .set("data", Events.MAPPER.createObjectNode().set("object", invoice))), "whsec_meterbridge_sandbox")
                .then().statusCode(200);
        return "mb-inv-stripe-" + invoice.get("id").asText();
    }

    @Test
    void aCurrencyThePolicyDoesNotMapIsAnAccountingException() throws Exception {
        String tenant = uniqueId("ccy-jpy");
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "netsuite", "stripe", customer, "HUB_RATES", null, null, Map.of(), "api_requests");
        String posting = finalizedInvoice(tenant, customer, "jpy", 700);
        assertThat(finance().get("/api/v1/erp/exceptions").then().extract().jsonPath().getList("reason", String.class))
                .anyMatch(r -> r.contains("currency JPY has no netsuite currency in policy netsuite-2026-v1"));
        assertThat(postingStatus(posting)).isNull();
        assertThat(SandboxClient.netSuite().recordsJson("invoice").getList("externalId")).doesNotContain(posting);
    }

    @Test
    void anInvoiceInAnotherCurrencyThanTheCustomersIsRefusedByNetSuiteAndFails() throws Exception {
        String tenant = uniqueId("ccy-eur");
        String customer = "cus_" + tenant.replace("-", "");
        contract(tenant, "netsuite", "stripe", customer, "HUB_RATES", null, null, Map.of(), "api_requests");
        String posting = finalizedInvoice(tenant, customer, "eur", 700);
        await().atMost(java.time.Duration.ofSeconds(60)).until(() -> "FAILED".equals(postingStatus(posting)));
        List<Map<String, Object>> rows = finance().get("/api/v1/erp/postings").then().extract().jsonPath()
                .getList("findAll { it.id == '" + posting + "' }");
        assertThat(String.valueOf(rows.get(0).get("last_error"))).contains("Invalid currency reference key 4 for entity");
        assertThat(((Map<?, ?>) rows.get(0).get("payload")).get("currencyRef")).isEqualTo("4");
        assertThat(SandboxClient.netSuite().recordsJson("invoice").getList("externalId")).doesNotContain(posting);
    }
}
