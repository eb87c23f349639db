package io.meterbridge.sandbox;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.stripe.net.Webhook;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.configuredWebhooks;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static io.meterbridge.sandbox.Sandboxes.webhooksTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A failed webhook (5xx, connection refused) is retried with backoff, each attempt signed anew, until delivered or
 * out of attempts (hub.sandbox.webhook-attempts, 5); a failed one can be resent through the control API.
 */
@QuarkusTest
class StripeWebhookRetryTest {

    private WebhookReceiver receiver;

    @BeforeEach
    void receiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void restore() {
        configuredWebhooks(STRIPE);
        receiver.close();
    }

    /** A finalized invoice's invoice.finalized event id. */
    private static String finalizeAnInvoice() {
        String customer = unique("cus_retry");
        String invoice = stripe().formParam("customer", customer).formParam("currency", "eur").post("/v1/invoices")
                .then().statusCode(200).extract().path("id");
        stripe().formParam("customer", customer).formParam("invoice", invoice).formParam("amount", "500")
                .post("/v1/invoiceitems").then().statusCode(200);
        stripe().post("/v1/invoices/" + invoice + "/finalize").then().statusCode(200);
        List<String> ids = stripe().queryParam("type", "invoice.finalized").queryParam("limit", "100")
                .get("/v1/events").then().statusCode(200).extract().jsonPath()
                .getList("data.findAll { it.data.object.id == '" + invoice + "' }.id");
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private static Map<String, Object> delivery(String eventId) {
        List<Map<String, Object>> all = control(STRIPE).get("webhooks").jsonPath().getList("$");
        return all.stream().filter(d -> eventId.equals(d.get("eventId"))).findFirst().orElse(null);
    }

    @Test
    void aDeliveryAnswered500IsRetriedUntilItSucceeds() throws Exception {
        webhooksTo(STRIPE, receiver.url("/hooks"));
        receiver.failNext(2, 500);
        String event = finalizeAnInvoice();

        await().atMost(Duration.ofSeconds(15)).until(() -> {
            Map<String, Object> d = delivery(event);
            return d != null && "delivered".equals(d.get("status"));
        });
        Map<String, Object> d = delivery(event);
        assertThat(d).containsEntry("attempts", 3).containsEntry("lastHttpStatus", 200);
        assertThat((List<Map<String, Object>>) d.get("history")).extracting(a -> a.get("httpStatus"))
                .containsExactly(500, 500, 200);
        List<WebhookReceiver.Received> received = receiver.received().stream()
                .filter(r -> r.body().contains(event)).toList();
        assertThat(received).hasSize(3);
        for (WebhookReceiver.Received r : received) {
            assertThat(Webhook.constructEvent(r.body(), r.header("Stripe-Signature"), "whsec_meterbridge_sandbox")
                    .getId()).isEqualTo(event);
        }
        // delivered: nothing pending any more
        stripe().get("/v1/events/" + event).then().statusCode(200).body("pending_webhooks", equalTo(0));
    }

    @Test
    void anUnreachableEndpointFailsAfterTheLastAttemptAndCanBeResent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        webhooksTo(STRIPE, "http://127.0.0.1:" + closedPort + "/hooks");
        String event = finalizeAnInvoice();

        // 5 attempts, backoff 0.2 s doubled: about 3 s
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, Object> d = delivery(event);
            return d != null && "failed".equals(d.get("status"));
        });
        assertThat(delivery(event)).containsEntry("attempts", 5).containsEntry("lastHttpStatus", null);
        assertThat((String) delivery(event).get("lastError")).isNotBlank();
        stripe().get("/v1/events/" + event).then().body("pending_webhooks", equalTo(1));

        webhooksTo(STRIPE, receiver.url("/hooks"));
        control(STRIPE).post("webhooks/" + event + "/resend").then().statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(event)));
        await().atMost(Duration.ofSeconds(5)).until(() -> "delivered".equals(delivery(event).get("status")));
        assertThat(delivery(event)).containsEntry("attempts", 6);
        control(STRIPE).post("webhooks/evt_doesnotexist/resend").then().statusCode(404);
    }
}
