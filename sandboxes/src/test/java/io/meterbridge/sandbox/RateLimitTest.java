package io.meterbridge.sandbox;

import java.time.Duration;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.chargebeeKey;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.stripeKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The published limits (Stripe 25 operations/s in sandbox mode, Chargebee 150 calls/min): 429 with Retry-After. */
@QuarkusTest
class RateLimitTest {

    @Test
    void stripeAnswers429WithRetryAfterAbove25OperationsPerSecond() {
        String key = stripeKey();
        Response limited = null;
        int allowed = 0;
        for (int i = 0; i < 500 && limited == null; i++) {
            Response r = stripe(key).queryParam("customer", "cus_rate").get("/v1/invoices");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
                allowed++;
            }
        }
        assertThat(limited).as("a 429 within 500 quick calls").isNotNull();
        assertThat(allowed).isGreaterThanOrEqualTo(25);
        assertThat(Long.parseLong(limited.header("Retry-After"))).isEqualTo(1L);
        assertThat(limited.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
        assertThat(limited.jsonPath().getString("error.code")).isEqualTo("rate_limit");

        // another account has its own budget; this one gets calls through again once the window has passed
        stripe(stripeKey()).queryParam("customer", "cus_rate").get("/v1/invoices").then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                stripe(key).queryParam("customer", "cus_rate").get("/v1/invoices").statusCode() == 200);
    }

    @Test
    void chargebeeAnswers429After150CallsAMinute() {
        String key = chargebeeKey();
        int allowed = 0;
        Response limited = null;
        for (int i = 0; i < 400 && limited == null; i++) {
            Response r = chargebee(key).queryParam("subscription_id[is]", "sub_rate").get("/api/v2/usages");
            if (r.statusCode() == 429) {
                limited = r;
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
                allowed++;
            }
        }
        assertThat(allowed).isEqualTo(150);
        assertThat(limited).isNotNull();
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(limited.jsonPath().getString("api_error_code")).isEqualTo("api_request_limit_exceeded");
        assertThat(limited.jsonPath().getInt("http_status_code")).isEqualTo(429);
    }
}
