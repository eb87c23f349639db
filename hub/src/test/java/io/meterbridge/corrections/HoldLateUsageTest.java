package io.meterbridge.corrections;

import java.util.List;
import java.util.Map;

import io.meterbridge.billing.LateUsageCorrections;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HOLD: late usage waits in the review queue; finance's decision (ADJUST) is an approval request that its requester
 * cannot approve and a second person (amara, approver) does. September 99,000 (99.00), +3,000 late: 2.60 held.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class HoldLateUsageTest {

    @Inject
    LateUsageCorrections sweep;

    @Test
    void aHeldCorrectionIsDecidedByFinanceAndApprovedByASecondPerson() throws Exception {
        String tenant = uniqueId("late-hold");
        LateUsage.contract(tenant, Map.of("lateUsagePolicy", "HOLD"));
        LateUsage.september(tenant, 99_000, "99000");
        close(tenant, LateUsage.SEPTEMBER);
        LateUsage.september(tenant, 3_000, "102000");

        List<LateUsageCorrections.Made> made = sweep.sweep("contract-" + tenant);
        String id = made.get(0).id();
        assertThat(LateUsage.correction(id).getString("status")).isEqualTo("HELD");
        assertThat(LateUsage.correction(id).getString("amount")).isEqualTo("2.60");
        List<String> held = finance().get("/api/v1/billing/corrections/held").then().statusCode(200).extract()
                .jsonPath().getList("id");
        assertThat(held).contains(id);

        long approval = finance().contentType(ContentType.JSON).body(Map.of("policy", "ADJUST"))
                .post("/api/v1/billing/corrections/" + id + "/decision").then().statusCode(200).extract().jsonPath()
                .getLong("approvalId");
        assertThat(LateUsage.correction(id).getString("status")).isEqualTo("PENDING_APPROVAL");
        assertThat(finance().get("/api/v1/billing/corrections/held").then().extract().jsonPath().getList("id"))
                .doesNotContain(id);

        // finance requested the decision (and holds no approver role): refused; a second person, amara, approves.
        finance().contentType(ContentType.JSON).body(Map.of()).post("/api/v1/approvals/" + approval + "/approve")
                .then().statusCode(403);
        assertThat(LateUsage.correction(id).getString("status")).isEqualTo("PENDING_APPROVAL");

        RestAssured.given().auth().preemptive().basic("amara", "amara-secret").contentType(ContentType.JSON)
                .body(Map.of()).post("/api/v1/approvals/" + approval + "/approve").then().statusCode(200);
        assertThat(LateUsage.correction(id).getString("status")).isIn("APPROVED", "ISSUED"); // ISSUED once the delta-document issuer took it
        assertThat(LateUsage.correction(id).getString("policy")).isEqualTo("ADJUST");
    }
}
