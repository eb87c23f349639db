package io.meterbridge.erp;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.CorrectionFixture;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Events;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.sandbox;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REBILL (docs/api/billing.md, "Corrections"): September billed 54.00 USD (users 4.00, requests 0.50, true-up 49.50);
 * active users re-rated to 4.50 make the period 9.00 + 0.50 + 49.50 = 59.00. Stripe gets a credit note of the whole
 * 54.00 on September's invoice (amount due 0) and a new invoice of 59.00 with the three corrected lines; Business
 * Central a corrective sales credit memo of 54.00 on the posted invoice and a sales invoice of 59.00.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RebillCorrectionTest {

    @Inject
    DataSource dataSource;

    static JsonPath stripe(String path) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").get("/sandbox/stripe" + path).then()
                .statusCode(200).extract().jsonPath();
    }

    static JsonPath bc(String type) {
        return sandbox().queryParam("type", type).get("/sandbox/bc/_sandbox/records").then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void theWholeInvoiceIsCreditedAndTheCorrectedPeriodInvoicedAgain() throws Exception {
        String tenant = Events.uniqueId("rebill");
        contract(tenant, "business-central", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "active_users", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "2");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        String invoice = deliveredAs(closed.getString("deliveries[0]"));
        awaitPosted("mb-inv-stripe-" + invoice);

        String correction = CorrectionFixture.approved(dataSource, "REBILL", closed.getLong("closeId"),
                Map.of("active_users", "9.00"));
        String note = deliveredAs("stripe-credit-note-" + correction);
        String rebilled = deliveredAs("stripe-delta-invoice-" + correction);

        JsonPath stripeNote = stripe("/v1/credit_notes/" + note);
        assertThat(stripeNote.getInt("total")).isEqualTo(5400);
        assertThat(stripeNote.getString("invoice")).isEqualTo(invoice);
        assertThat(stripeNote.getList("lines.data.amount", Integer.class)).containsExactlyInAnyOrder(400, 50, 4950);
        assertThat(stripe("/v1/invoices/" + invoice).getInt("amount_due")).isZero();
        JsonPath newInvoice = stripe("/v1/invoices/" + rebilled);
        assertThat(newInvoice.getInt("total")).isEqualTo(5900);
        assertThat(newInvoice.getList("lines.data.amount", Integer.class)).containsExactlyInAnyOrder(900, 50, 4950);

        String memo = "mb-cm-stripe-" + note;
        String invoicePosting = "mb-inv-stripe-" + rebilled;
        awaitPosted(memo);
        awaitPosted(invoicePosting);
        List<Map<String, Object>> memos = bc("salesCreditMemos").getList("findAll { it.externalDocumentNumber == '"
                + BusinessCentralPosting.number(memo, 35) + "' }");
        assertThat(memos).hasSize(1);
        JsonPath bcMemo = JsonPath.from(Events.MAPPER.writeValueAsString(memos.get(0)));
        assertThat(new BigDecimal(bcMemo.getString("totalAmountIncludingTax"))).isEqualByComparingTo("54.00");
        List<Map<String, Object>> invoices = bc("salesInvoices").getList("findAll { it.externalDocumentNumber == '"
                + BusinessCentralPosting.number(invoicePosting, 35) + "' }");
        assertThat(invoices).hasSize(1);
        assertThat(new BigDecimal(JsonPath.from(Events.MAPPER.writeValueAsString(invoices.get(0)))
                .getString("totalAmountIncludingTax"))).isEqualByComparingTo("59.00");
    }
}
