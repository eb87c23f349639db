package io.meterbridge.pricing;

import java.util.Map;
import java.util.Set;

import io.meterbridge.billing.PricePublications;
import io.meterbridge.platform.AuditTrail;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.PriceVersionsTestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.People.as;
import static io.meterbridge.support.People.graduatedApiRequests;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four-eyes on price publication: the person who published a version can never approve it, even holding the approver
 * role; only a pricing admin publishes (finance, operator and viewer are refused) and only an approver approves.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PricePublicationFourEyesTest {

    @Inject
    PricePublications publications;

    @Inject
    PriceBookStore prices;

    @Test
    void theRequesterCannotApproveTheirOwnPublication() throws Exception {
        String id = uniqueId("api-requests-own");
        // A person holding both roles (the default run has none; an identity provider may)
        PricePublications.Publication publication = publications.request(
                new AuditTrail.Actor("amara", Set.of("pricing-admin", "approver")),
                PriceVersionsTestData.tree(graduatedApiRequests(id, "1000", "0.0200", "0.0150")));

        String error = as("amara").post("/api/v1/approvals/" + publication.approvalId() + "/approve").then()
                .statusCode(403).extract().jsonPath().getString("error");
        assertThat(error).contains("amara requested approval request " + publication.approvalId())
                .contains("second person");
        assertThat(prices.books().version(id)).isEmpty();
        assertThat(as("vera").queryParam("id", id).get("/api/v1/billing/price-versions").then().statusCode(200)
                .extract().jsonPath().getList("status")).containsExactly("PENDING_APPROVAL");
    }

    @Test
    void onlyAPricingAdminPublishesAndOnlyAnApproverApproves() {
        String id = uniqueId("api-requests-roles");
        Map<String, Object> version = graduatedApiRequests(id, "1000", "0.0200", "0.0150");
        for (String person : new String[] {"vera", "otto", "finance", "amara"}) {
            as(person).body(version).post("/api/v1/billing/price-versions").then().statusCode(403);
        }
        long approval = as("priya").body(version).post("/api/v1/billing/price-versions").then().statusCode(202)
                .extract().jsonPath().getLong("approval_id");
        // priya published it and holds no approver role; finance holds no approver role either
        as("priya").post("/api/v1/approvals/" + approval + "/approve").then().statusCode(403);
        as("finance").post("/api/v1/approvals/" + approval + "/approve").then().statusCode(403);
        assertThat(prices.books().version(id)).isEmpty();
        // a second publication of the same id waits behind the first
        as("priya").body(graduatedApiRequests(id, "1000", "0.0300", "0.0150")).post("/api/v1/billing/price-versions")
                .then().statusCode(409);
    }
}
