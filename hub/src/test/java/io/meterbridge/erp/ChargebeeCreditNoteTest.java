package io.meterbridge.erp;

import java.math.BigDecimal;
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

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.chargebeeInvoices;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contract;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ADJUST on Chargebee: September billed 54.00 USD (users 2 x 2.00 = 4.00, requests 0.50, true-up 49.50); active users
 * re-rated to 0.50 make the users' line 1.00: a Chargebee credit note of 3.00 referencing September's invoice (its
 * credit_note_created event), a NetSuite credit memo of 3.00 created from the invoice.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ChargebeeCreditNoteTest {

    @Inject
    DataSource dataSource;

    @Test
    void lessOnAChargebeeInvoiceIsACreditNoteAndACreditMemo() throws Exception {
        String tenant = uniqueId("cbcn");
        String account = "cb_" + tenant;
        contract(tenant, "netsuite", "chargebee", account, "HUB_RATES", null, null,
                Map.of("api_requests", new BigDecimal("1000")), "api_requests", "active_users");
        send(apiRequests(tenant, "2026-09-10T10:00:00Z", 900, "u1"), apiRequests(tenant, "2026-09-20T10:00:00Z", 600, "u2"));
        awaitUsage(tenant, "api_requests", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "1500");
        awaitUsage(tenant, "active_users", "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z", "2");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        String invoice = deliveredAs(closed.getString("deliveries[0]"));
        assertThat(invoice).isEqualTo(chargebeeInvoices(account).getString("list[0].invoice.id"));
        awaitPosted("mb-inv-chargebee-" + invoice);

        String correction = CorrectionFixture.approved(dataSource, "ADJUST", closed.getLong("closeId"),
                Map.of("active_users", "1.00"));
        String note = deliveredAs("chargebee-credit-note-" + correction);

        JsonPath cbNote = RestAssured.given().auth().preemptive().basic("test_meterbridge_sandbox", "")
                .get("/sandbox/chargebee/api/v2/credit_notes/" + note).then().statusCode(200).extract().jsonPath();
        assertThat(cbNote.getInt("credit_note.total")).isEqualTo(300);
        assertThat(cbNote.getString("credit_note.reference_invoice_id")).isEqualTo(invoice);
        assertThat(cbNote.getString("credit_note.line_items[0].description")).startsWith("active_users: ")
                .contains("(period 2026-09-01 to 2026-09-30)");

        String memo = "mb-cm-chargebee-" + note;
        awaitPosted(memo);
        List<Map<String, Object>> memos = SandboxClient.netSuite().recordsJson("creditMemo")
                .getList("findAll { it.externalId == '" + memo + "' }");
        assertThat(memos).hasSize(1);
        assertThat(String.valueOf(memos.get(0))).contains("202");
        assertThat(new BigDecimal(finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getString("find { it.source_id == '" + note + "' }.amount"))).isEqualByComparingTo("3.00");
    }
}
