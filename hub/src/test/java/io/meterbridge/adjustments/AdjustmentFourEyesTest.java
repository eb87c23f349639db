package io.meterbridge.adjustments;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.meterbridge.billing.Adjustments;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.People.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four-eyes on adjustments: the requester never approves their own, even holding the approver role; only finance
 * requests (viewer, operator, pricing admin and approver are refused) and only an approver decides.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AdjustmentFourEyesTest {

    @Inject
    Adjustments adjustments;

    @Test
    void theRequesterCannotApproveTheirOwnAdjustment() throws Exception {
        String tenant = AdjustmentApprovalTest.closedAugust("adjown");
        // A person holding both roles (the default run has none; an identity provider may)
        String id = adjustments.request(new AuditTrail.Actor("amara", Set.of("finance", "approver")),
                new Adjustments.Request(contractKey(tenant), Instant.parse("2026-08-01T00:00:00Z"), "-5.00", "USD",
                        "goodwill", null));
        long approval = as("finance").queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/adjustments")
                .then().statusCode(200).extract().jsonPath().getLong("[0].approval_id");

        String error = as("amara").post("/api/v1/approvals/" + approval + "/approve").then().statusCode(403).extract()
                .jsonPath().getString("error");
        assertThat(error).contains("amara requested approval request " + approval).contains("second person");
        assertThat(as("finance").queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/adjustments")
                .then().statusCode(200).extract().jsonPath().getList("status")).containsExactly("PENDING_APPROVAL");
        assertThat(id).startsWith("adj-");
    }

    @Test
    void onlyFinanceRequestsAndOnlyAnApproverDecides() {
        String tenant = AdjustmentApprovalTest.closedAugust("adjroles");
        Map<String, Object> credit = Map.of("contractKey", contractKey(tenant), "periodStart", "2026-08-01T00:00:00Z",
                "amount", "-3.00", "currency", "USD", "reason", "rounding dispute");
        for (String person : new String[] {"vera", "otto", "priya", "amara"}) {
            as(person).body(credit).post("/api/v1/billing/adjustments").then().statusCode(403);
        }
        long approval = as("finance").body(credit).post("/api/v1/billing/adjustments").then().statusCode(202)
                .extract().jsonPath().getLong("approval_id");
        for (String person : new String[] {"finance", "vera", "otto", "priya"}) {
            as(person).post("/api/v1/approvals/" + approval + "/approve").then().statusCode(403);
        }
        // Every role reads the adjustments; nothing was approved.
        assertThat(as("vera").queryParam("contractKey", contractKey(tenant)).get("/api/v1/billing/adjustments").then()
                .statusCode(200).extract().jsonPath().getList("status")).containsExactly("PENDING_APPROVAL");
    }
}
