package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.CorrectionFixture;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.stripeTenantWithSeptemberUsage;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ADJUST (docs/api/billing.md, "Corrections"): September billed 54.00 USD (2 users x 2.00 = 4.00, 500 requests over
 * the committed 1,000 x 0.0010 = 0.50, true-up to 50.00 = 49.50). A re-rate of active users to 4.50 makes the users'
 * line 2 x 4.50 = 9.00: +5.00, a delta invoice of 5.00 in Stripe, an invoice of 5.00 in NetSuite. A re-rate to 0.50
 * makes it 2 x 0.50 = 1.00: -3.00, a credit note of 3.00 on September's invoice (amount due 54.00 - 3.00 = 51.00), a
 * NetSuite credit memo of 3.00 created from the invoice, in ledger order after it.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AdjustCorrectionTest {

    @Inject
    DataSource dataSource;

    static JsonPath stripe(String path) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").get("/sandbox/stripe" + path).then()
                .statusCode(200).extract().jsonPath();
    }

    @Test
    void moreIsADeltaInvoiceNamedAfterThePeriod() throws Exception {
        String tenant = stripeTenantWithSeptemberUsage("adjmore");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        String invoice = deliveredAs(closed.getString("deliveries[0]"));
        awaitPosted("mb-inv-stripe-" + invoice);

        String correction = CorrectionFixture.approved(dataSource, "ADJUST", closed.getLong("closeId"),
                Map.of("active_users", "9.00"));
        String delivery = "stripe-delta-invoice-" + correction;
        String delta = deliveredAs(delivery);
        assertThat(CorrectionFixture.status(dataSource, correction)).isEqualTo("ISSUED");
        assertThat(CorrectionFixture.deliveries(dataSource, correction)).containsExactly(delivery);

        JsonPath stripeDelta = stripe("/v1/invoices/" + delta);
        assertThat(stripeDelta.getInt("total")).isEqualTo(500);
        assertThat(stripeDelta.getString("status")).isIn("open", "paid");
        assertThat(stripeDelta.getString("metadata.correction_id")).isEqualTo(correction);
        assertThat(stripeDelta.getList("lines.data.description")).singleElement().asString()
                .startsWith("active_users: ").contains("(period 2026-09-01 to 2026-09-30)");
        assertThat(stripe("/v1/invoices/" + invoice).getInt("total")).as("September's invoice unchanged").isEqualTo(5400);

        String posting = "mb-inv-stripe-" + delta;
        awaitPosted(posting);
        List<Map<String, Object>> invoices = SandboxClient.netSuite().recordsJson("invoice")
                .getList("findAll { it.externalId == '" + posting + "' }");
        assertThat(invoices).hasSize(1);
        assertThat(String.valueOf(invoices.get(0))).contains("202"); // the active_users item of the policy
        assertThat(new BigDecimal(finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getString("find { it.source_id == '" + delta + "' }.amount"))).isEqualByComparingTo("5.00");
        assertThat(closeOfDocument(delta)).as("linked to the corrected period").isEqualTo(closed.getLong("closeId"));
    }

    @Test
    void lessIsACreditNoteOnThePeriodsInvoice() throws Exception {
        String tenant = stripeTenantWithSeptemberUsage("adjless");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        String invoice = deliveredAs(closed.getString("deliveries[0]"));
        awaitPosted("mb-inv-stripe-" + invoice);

        String correction = CorrectionFixture.approved(dataSource, "ADJUST", closed.getLong("closeId"),
                Map.of("active_users", "1.00"));
        String delivery = "stripe-credit-note-" + correction;
        String note = deliveredAs(delivery);
        assertThat(note).startsWith("cn_");
        assertThat(CorrectionFixture.deliveries(dataSource, correction)).containsExactly(delivery);

        JsonPath stripeNote = stripe("/v1/credit_notes/" + note);
        assertThat(stripeNote.getInt("total")).isEqualTo(300);
        assertThat(stripeNote.getString("invoice")).isEqualTo(invoice);
        assertThat(stripeNote.getString("metadata.meterbridge_delivery")).isEqualTo(delivery);
        assertThat(stripeNote.getList("lines.data.description")).singleElement().asString().startsWith("active_users: ");
        assertThat(stripe("/v1/invoices/" + invoice).getInt("amount_due")).isEqualTo(5100);

        String memo = "mb-cm-stripe-" + note;
        awaitPosted(memo);
        List<Map<String, Object>> memos = SandboxClient.netSuite().recordsJson("creditMemo")
                .getList("findAll { it.externalId == '" + memo + "' }");
        assertThat(memos).hasSize(1);
        assertThat(String.valueOf(memos.get(0))).contains("202");
        Map<String, Object> posted = finance().get("/api/v1/erp/postings").then().extract().jsonPath()
                .getMap("find { it.id == '" + memo + "' }");
        assertThat(String.valueOf(posted.get("payload"))).contains("mb-inv-stripe-" + invoice);
        assertThat(new BigDecimal(finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getString("find { it.source_id == '" + note + "' }.amount"))).isEqualByComparingTo("3.00");
        assertThat(closeOfDocument(note)).isEqualTo(closed.getLong("closeId"));
    }

    private long closeOfDocument(String sourceId) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> query(sourceId) != null);
        return query(sourceId);
    }

    private Long query(String sourceId) throws Exception {
        try (var connection = dataSource.getConnection(); var select = connection.prepareStatement(
                "SELECT close_id FROM financial_document WHERE source_id = ?")) {
            select.setString(1, sourceId);
            try (var rows = select.executeQuery()) {
                return rows.next() ? (Long) rows.getObject(1) : null;
            }
        }
    }
}
