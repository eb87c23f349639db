package io.meterbridge.adjustments;

import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.People.as;
import static io.meterbridge.support.People.audit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A manual adjustment: finance requests a credit of 12.50 USD on a closed August, amara approves, and the correction
 * is APPROVED with the signed amount -12.50 (for the delta-document issuer); a rejected charge ends REJECTED. Both
 * names and times are kept, and the audit trail has each step with before and after.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AdjustmentApprovalTest {

    @Test
    void aCreditRequestedByFinanceAndApprovedByASecondPersonIsApprovedWithItsSignedAmount() {
        String tenant = closedAugust("adjcredit");
        JsonPath requested = as("finance").body(Map.of("contractKey", contractKey(tenant),
                "periodStart", "2026-08-01T00:00:00Z", "amount", "-12.50", "currency", "USD",
                "reason", "SLA credit: API outage on 2026-08-14", "metric", "api_requests"))
                .post("/api/v1/billing/adjustments").then().statusCode(202).extract().jsonPath();
        String id = requested.getString("id");
        assertThat(id).startsWith("adj-");
        assertThat(requested.getString("status")).isEqualTo("PENDING_APPROVAL");
        assertThat(requested.getString("amount")).isEqualTo("-12.50");
        assertThat(requested.getString("period_end")).isEqualTo("2026-09-01T00:00:00Z");
        assertThat(requested.getString("requested_by")).isEqualTo("finance");
        assertThat(requested.getString("requested_at")).isNotNull();
        assertThat(requested.getString("decided_by")).isNull();

        as("amara").body(Map.of("reason", "outage confirmed by the incident report"))
                .post("/api/v1/approvals/" + requested.getLong("approval_id") + "/approve").then().statusCode(200);

        JsonPath listed = as("vera").queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/adjustments")
                .then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("id")).containsExactly(id);
        // APPROVED until the delta-document issuer has made it a credit note (ISSUED)
        assertThat(listed.getString("[0].status")).isIn("APPROVED", "ISSUED");
        assertThat(listed.getString("[0].amount")).isEqualTo("-12.50");
        assertThat(listed.getString("[0].currency")).isEqualTo("USD");
        assertThat(listed.getString("[0].lines[0].difference")).isEqualTo("-12.50");
        assertThat(listed.getString("[0].lines[0].description")).isEqualTo("SLA credit: API outage on 2026-08-14");
        assertThat(listed.getString("[0].lines[0].metric")).isEqualTo("api_requests");
        assertThat(listed.getString("[0].requested_by")).isEqualTo("finance");
        assertThat(listed.getString("[0].decided_by")).isEqualTo("amara");
        assertThat(listed.getString("[0].decided_at")).isNotNull();

        JsonPath trail = audit("adjustment", id);
        assertThat(trail.getList("events.action")).containsExactly("adjustment.approve", "adjustment.request");
        assertThat(trail.getList("events.person")).containsExactly("amara", "finance");
        assertThat(trail.getString("events[1].before")).isNull();
        assertThat(trail.getString("events[1].after.status")).isEqualTo("PENDING_APPROVAL");
        assertThat(trail.getString("events[0].before.status")).isEqualTo("PENDING_APPROVAL");
        assertThat(trail.getString("events[0].after.status")).isEqualTo("APPROVED");
        assertThat(trail.getString("events[0].after.amount")).isEqualTo("-12.50");
        // and the approval itself, filterable by person
        List<String> amaras = as("finance").queryParam("person", "amara").queryParam("objectType", "approval")
                .queryParam("objectKey", requested.getString("approval_id")).get("/api/v1/audit").then()
                .statusCode(200).extract().jsonPath().getList("events.action");
        assertThat(amaras).containsExactly("approval.approve");
    }

    @Test
    void aRejectedChargeIsRejected() {
        String tenant = closedAugust("adjcharge");
        long approval = as("finance").body(Map.of("contractKey", contractKey(tenant),
                "periodStart", "2026-08-01T00:00:00Z", "amount", "40", "currency", "USD",
                "reason", "onboarding workshop not invoiced")).post("/api/v1/billing/adjustments").then()
                .statusCode(202).extract().jsonPath().getLong("approval_id");
        as("amara").body(Map.of("reason", "the workshop is in the next contract"))
                .post("/api/v1/approvals/" + approval + "/reject").then().statusCode(200);
        JsonPath listed = as("finance").queryParam("contractKey", contractKey(tenant))
                .get("/api/v1/billing/adjustments").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("status")).containsExactly("REJECTED");
        // "40" is kept exactly, at the currency's scale
        assertThat(listed.getList("amount")).containsExactly("40.00");
        assertThat(listed.getList("decision_reason")).containsExactly("the workshop is in the next contract");
        assertThat(audit("adjustment", listed.getString("[0].id")).getList("events.action"))
                .containsExactly("adjustment.reject", "adjustment.request");
    }

    /** A Stripe-billed, hub-rated tenant whose August 2026 is closed. */
    static String closedAugust(String prefix) {
        String tenant = uniqueId(prefix);
        customer(tenant);
        version(tenant, "2026-01-01T00:00:00Z", null, null,
                List.of(term("api_requests", "api-requests-2026-v1", Map.of()))).then().statusCode(200);
        close(tenant, "2026-08-10T00:00:00Z");
        return tenant;
    }
}
