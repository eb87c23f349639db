package io.meterbridge.approvals;

import java.util.Map;
import java.util.Set;

import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four-eyes: a request takes effect only when a second person with the approver role approves it. The requester is
 * refused (even holding the approver role), so is a person without the role; a decided request cannot be decided
 * again; an effect that fails leaves the request pending; every step is in the audit trail with both names.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class FourEyesTest {

    @Inject
    Approvals approvals;

    @Inject
    RecordingApprovalHandler handler;

    @Test
    void aSecondApproverCarriesOutTheRequestAndBothNamesAreKept() throws Exception {
        Approvals.Request request = approvals.request(new AuditTrail.Actor("finance", Set.of("finance")),
                RecordingApprovalHandler.KIND, uniqueId("obj"), "credit 12.00 USD", Map.of("amount", "12.00"));

        // a person without the approver role: refused by the role check, nothing carried out
        as("finance", "finance-secret").post("/api/v1/approvals/" + request.id() + "/approve").then().statusCode(403);
        assertThat(handler.carriedOut(request.id())).isFalse();

        JsonPath approved = as("amara", "amara-secret").body(Map.of("reason", "checked against the contract"))
                .post("/api/v1/approvals/" + request.id() + "/approve").then().statusCode(200).extract().jsonPath();
        assertThat(approved.getString("status")).isEqualTo("APPROVED");
        assertThat(approved.getString("requested_by")).isEqualTo("finance");
        assertThat(approved.getString("decided_by")).isEqualTo("amara");
        assertThat(approved.getString("decided_at")).isNotNull();
        assertThat(handler.carriedOut(request.id())).isTrue();

        // decided once: a second decision is a conflict, and the effect is not carried out again
        as("amara", "amara-secret").body(Map.of("reason", "again")).post("/api/v1/approvals/" + request.id()
                + "/reject").then().statusCode(409);
        assertThat(handler.undone(request.id())).isFalse();

        JsonPath audit = as("finance", "finance-secret").queryParam("objectType", "approval")
                .queryParam("objectKey", String.valueOf(request.id())).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath();
        assertThat(audit.getList("events.action")).containsExactly("approval.approve", "approval.request");
        assertThat(audit.getList("events.person")).containsExactly("amara", "finance");
        assertThat(audit.getString("events[0].after.decidedBy")).isEqualTo("amara");
    }

    @Test
    void theRequesterCannotApproveTheirOwnRequestEvenAsAnApprover() throws Exception {
        Approvals.Request request = approvals.request(new AuditTrail.Actor("amara", Set.of("approver")),
                RecordingApprovalHandler.KIND, uniqueId("obj"), "re-rate", Map.of());

        String error = as("amara", "amara-secret").post("/api/v1/approvals/" + request.id() + "/approve").then()
                .statusCode(403).extract().jsonPath().getString("error");
        assertThat(error).contains("amara requested approval request " + request.id()).contains("second person");
        assertThat(handler.carriedOut(request.id())).isFalse();
        assertThat(approvals.find(request.id()).orElseThrow().status()).isEqualTo(Approvals.Status.PENDING);
    }

    @Test
    void aRejectionNeedsAReasonAndIsCarriedOutOnce() throws Exception {
        Approvals.Request request = approvals.request(new AuditTrail.Actor("priya", Set.of("pricing-admin")),
                RecordingApprovalHandler.KIND, uniqueId("obj"), "publish price v2", Map.of());
        String error = as("amara", "amara-secret").post("/api/v1/approvals/" + request.id() + "/reject").then()
                .statusCode(400).extract().jsonPath().getString("error");
        assertThat(error).contains("reason");

        as("amara", "amara-secret").body(Map.of("reason", "tier 2 price is wrong"))
                .post("/api/v1/approvals/" + request.id() + "/reject").then().statusCode(200);
        assertThat(handler.undone(request.id())).isTrue();
        JsonPath listed = as("priya", "priya-secret").queryParam("status", "REJECTED")
                .queryParam("requestedBy", "priya").get("/api/v1/approvals").then().statusCode(200).extract()
                .jsonPath();
        assertThat(listed.getList("findAll { it.id == " + request.id() + " }.decision_reason"))
                .containsExactly("tier 2 price is wrong");
    }

    @Test
    void anEffectThatFailsLeavesTheRequestPendingAndUndecided() throws Exception {
        Approvals.Request request = approvals.request(new AuditTrail.Actor("finance", Set.of("finance")),
                RecordingApprovalHandler.KIND, uniqueId("obj"), "failing effect", Map.of("fail", true));
        as("amara", "amara-secret").post("/api/v1/approvals/" + request.id() + "/approve").then().statusCode(500);
        Approvals.Request after = approvals.find(request.id()).orElseThrow();
        assertThat(after.status()).isEqualTo(Approvals.Status.PENDING);
        assertThat(after.decidedBy()).isNull();
    }

    @Test
    void askingTwiceForTheSameObjectIsOneRequest() throws Exception {
        String object = uniqueId("obj");
        AuditTrail.Actor finance = new AuditTrail.Actor("finance", Set.of("finance"));
        long first = approvals.request(finance, RecordingApprovalHandler.KIND, object, "one", Map.of()).id();
        long second = approvals.request(finance, RecordingApprovalHandler.KIND, object, "one", Map.of()).id();
        assertThat(second).isEqualTo(first);
    }

    private static RequestSpecification as(String user, String password) {
        return RestAssured.given().auth().preemptive().basic(user, password).contentType(ContentType.JSON);
    }
}
