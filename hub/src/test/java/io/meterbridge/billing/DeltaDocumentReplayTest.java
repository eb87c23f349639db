package io.meterbridge.billing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.CorrectionFixture;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.stripeTenantWithSeptemberUsage;
import static io.meterbridge.support.BillingFixture.stripeWebhook;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delta document is issued, sent and posted once: issuing an ISSUED correction again writes nothing; the credit
 * note's delivery sent again (a replay) finds its credit note in Stripe by its metadata (and would repeat its
 * idempotency key), so 3.00 is credited once (amount due 54.00 - 3.00 = 51.00); its credit_note.created webhook sent
 * again is a duplicate: one financial document, one credit memo posting.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class DeltaDocumentReplayTest {

    @Inject
    DataSource dataSource;

    @Inject
    CorrectionIssuer issuer;

    static JsonPath stripe(String path) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").get("/sandbox/stripe" + path).then()
                .statusCode(200).extract().jsonPath();
    }

    @Test
    void aReplayedDeliveryOrWebhookMakesNoSecondDocument() throws Exception {
        String tenant = stripeTenantWithSeptemberUsage("deltareplay");
        JsonPath closed = close(tenant, "2026-09-15T00:00:00Z");
        String invoice = deliveredAs(closed.getString("deliveries[0]"));
        awaitPosted("mb-inv-stripe-" + invoice);
        String correction = CorrectionFixture.approved(dataSource, "ADJUST", closed.getLong("closeId"),
                Map.of("active_users", "1.00"));
        String delivery = "stripe-credit-note-" + correction;
        String note = deliveredAs(delivery);

        assertThat(issuer.issue(correction)).as("an ISSUED correction is not issued again").isFalse();
        assertThat(CorrectionFixture.deliveries(dataSource, correction)).containsExactly(delivery);

        // The delivery sent again, as a replay of a dead letter does (PENDING, unpublished, a fresh budget).
        try (var connection = dataSource.getConnection(); var update = connection.prepareStatement("""
                UPDATE billing_delivery SET status = 'PENDING', published_at = NULL, last_attempt_at = NULL,
                       next_attempt_at = now(), attempts = 0 WHERE id = ?""")) {
            update.setString(1, delivery);
            assertThat(update.executeUpdate()).isOne();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(deliveryStatus(delivery))
                && attemptsOf(delivery) > 0);
        assertThat(deliveredAs(delivery)).isEqualTo(note);
        JsonPath credited = stripe("/v1/invoices/" + invoice);
        assertThat(credited.getInt("pre_payment_credit_notes_amount")).isEqualTo(300);
        assertThat(credited.getInt("amount_due")).isEqualTo(5100);

        String memo = "mb-cm-stripe-" + note;
        awaitPosted(memo);
        String event = RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox")
                .queryParam("type", "credit_note.created").queryParam("limit", 100).get("/sandbox/stripe/v1/events")
                .then().statusCode(200).extract().jsonPath().getString("data.find { it.data.object.id == '" + note
                        + "' }.id");
        String payload = RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox")
                .get("/sandbox/stripe/v1/events/" + event).then().statusCode(200).extract().asString();
        stripeWebhook(payload, "whsec_meterbridge_sandbox").then().statusCode(200)
                .body("duplicate", org.hamcrest.Matchers.equalTo(true));
        List<Object> documents = finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getList("findAll { it.source_id == '" + note + "' }");
        assertThat(documents).hasSize(1);
        List<Object> postings = finance().get("/api/v1/erp/postings").then().extract().jsonPath()
                .getList("findAll { it.id == '" + memo + "' }");
        assertThat(postings).hasSize(1);
    }

    private int attemptsOf(String delivery) {
        return finance().get("/api/v1/billing/deliveries").then().extract().jsonPath()
                .getInt("find { it.id == '" + delivery + "' }.attempts");
    }
}
