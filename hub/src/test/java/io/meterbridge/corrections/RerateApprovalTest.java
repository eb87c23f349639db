package io.meterbridge.corrections;

import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A re-rate of September and October from api-requests-2026-v1 to api-requests-2026-v2 (GRADUATED 0.0020 up to
 * 50,000, 0.0015 above, minimum 30.00), ADJUST contract, worked in docs/architecture.md:
 * September 99,000: billed 99.00; re-rated 50,000 x 0.0020 + 49,000 x 0.0015 = 100.00 + 73.50 = 173.50: +74.50.
 * October 30,000: billed 30.00 + 20.00 true-up to the 50.00 minimum = 50.00; re-rated 60.00, no true-up (30.00 met):
 * usage +30.00, true-up -20.00, the period +10.00. The preview names the documents (September: an invoice of 74.50;
 * October: an invoice of 30.00 and a credit note of 20.00). Its requester (priya) cannot approve it; amara does, and
 * that creates the two RERATE corrections, APPROVED.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RerateApprovalTest {

    private static RequestSpecification as(String user, String password) {
        return RestAssured.given().auth().preemptive().basic(user, password).contentType(ContentType.JSON);
    }

    @Test
    void aPreviewWithHandComputedDifferencesIsApprovedByASecondPersonOnly() {
        String tenant = uniqueId("rerate");
        LateUsage.contract(tenant, Map.of("lateUsagePolicy", "ADJUST"));
        LateUsage.september(tenant, 99_000, "99000");
        send(apiRequests(tenant, "2026-10-12T12:00:00Z", 30_000, "u-oct"));
        awaitUsage(tenant, "api_requests", LateUsage.OCTOBER, LateUsage.NOVEMBER, "30000");
        close(tenant, LateUsage.SEPTEMBER);
        close(tenant, LateUsage.OCTOBER);

        JsonPath rerate = as("priya", "priya-secret").body(Map.of("contractKey", contractKey(tenant),
                "fromPeriod", LateUsage.SEPTEMBER, "toPeriod", LateUsage.OCTOBER,
                "replacements", Map.of("api-requests-2026-v1", "api-requests-2026-v2")))
                .post("/api/v1/billing/rerates").then().statusCode(200).extract().jsonPath();
        String id = rerate.getString("id");
        assertThat(rerate.getString("status")).isEqualTo("PENDING_APPROVAL");
        assertThat(rerate.getString("preview.currency")).isEqualTo("USD");
        assertThat(rerate.getString("preview.difference")).isEqualTo("84.50");
        assertThat(rerate.getString("preview.periods[0].billed")).isEqualTo("99.00");
        assertThat(rerate.getString("preview.periods[0].rerated")).isEqualTo("173.50");
        assertThat(rerate.getString("preview.periods[0].difference")).isEqualTo("74.50");
        assertThat(rerate.getString("preview.periods[0].documents[0].kind")).isEqualTo("INVOICE");
        assertThat(rerate.getString("preview.periods[0].documents[0].amount")).isEqualTo("74.50");
        assertThat(rerate.getString("preview.periods[1].billed")).isEqualTo("50.00");
        assertThat(rerate.getString("preview.periods[1].rerated")).isEqualTo("60.00");
        assertThat(rerate.getString("preview.periods[1].lines.find { it.lineType == 'USAGE' }.difference"))
                .isEqualTo("30.00");
        assertThat(rerate.getString("preview.periods[1].lines.find { it.lineType == 'TRUE_UP' }.difference"))
                .isEqualTo("-20.00");
        assertThat(rerate.getList("preview.periods[1].documents.kind")).containsExactly("INVOICE", "CREDIT_NOTE");
        assertThat(rerate.getList("preview.periods[1].documents.amount")).containsExactly("30.00", "20.00");
        assertThat(LateUsage.corrections(tenant)).isEmpty();

        long approval = rerate.getLong("approvalId");
        as("priya", "priya-secret").body(Map.of()).post("/api/v1/approvals/" + approval + "/approve").then()
                .statusCode(403);
        assertThat(LateUsage.corrections(tenant)).isEmpty();

        as("amara", "amara-secret").body(Map.of("reason", "price fix checked")).post("/api/v1/approvals/" + approval
                + "/approve").then().statusCode(200);
        JsonPath approved = as("priya", "priya-secret").get("/api/v1/billing/rerates/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(approved.getString("status")).isEqualTo("APPROVED");
        String september = "rerate-" + id + "-contract-" + tenant + "-202609";
        String october = "rerate-" + id + "-contract-" + tenant + "-202610";
        assertThat(approved.getList("corrections")).containsExactlyInAnyOrder(september, october);
        JsonPath first = LateUsage.correction(september);
        assertThat(first.getString("source")).isEqualTo("RERATE");
        assertThat(first.getString("status")).isIn("APPROVED", "ISSUED"); // ISSUED once the delta-document issuer took it
        assertThat(first.getString("amount")).isEqualTo("74.50");
        assertThat(first.getString("rerateId")).isEqualTo(id);
        assertThat(first.getString("lines[0].priceVersion")).isEqualTo("api-requests-2026-v1");
        assertThat(first.getString("lines[0].reratedPriceVersion")).isEqualTo("api-requests-2026-v2");
        assertThat(LateUsage.correction(october).getString("amount")).isEqualTo("10.00");
    }
}
