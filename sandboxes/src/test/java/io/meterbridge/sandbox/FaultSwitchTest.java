package io.meterbridge.sandbox;

import java.net.SocketTimeoutException;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.sandbox.Sandboxes.CHARGEBEE;
import static io.meterbridge.sandbox.Sandboxes.STRIPE;
import static io.meterbridge.sandbox.Sandboxes.chargebee;
import static io.meterbridge.sandbox.Sandboxes.control;
import static io.meterbridge.sandbox.Sandboxes.noFaults;
import static io.meterbridge.sandbox.Sandboxes.stripe;
import static io.meterbridge.sandbox.Sandboxes.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.hamcrest.Matchers.equalTo;

/**
 * Each fault switch: injected 429s, 5xx before and after the effect (the retry with the same idempotency key is then
 * safe), timeouts, delays and a full outage.
 */
@QuarkusTest
class FaultSwitchTest {

    @AfterEach
    void switchFaultsOff() {
        noFaults(STRIPE);
        noFaults(CHARGEBEE);
    }

    private static void faults(String sandbox, String json) {
        control(sandbox).contentType("application/json").body(json).put("faults").then().statusCode(200);
    }

    private static Response invoiceItem(String key, String customer) {
        return stripe().header("Idempotency-Key", key).formParam("customer", customer).formParam("amount", "300")
                .post("/v1/invoiceitems");
    }

    private static int items(String customer) {
        return stripe().queryParam("customer", customer).get("/v1/invoiceitems").jsonPath().getList("data").size();
    }

    @Test
    void rateLimitNextInjects429sWithRetryAfter() {
        long before = control(STRIPE).get("stats").jsonPath().getLong("faultsInjected");
        faults(STRIPE, "{\"rateLimitNext\": 2, \"retryAfterSeconds\": 3}");
        for (int i = 0; i < 2; i++) {
            stripe().get("/v1/invoices").then().statusCode(429).header("Retry-After", "3")
                    .body("error.type", equalTo("rate_limit_error"));
        }
        stripe().get("/v1/invoices").then().statusCode(200);
        assertThat(control(STRIPE).get("stats").jsonPath().getLong("faultsInjected")).isEqualTo(before + 2);
    }

    @Test
    void rateLimitRateAnswersThatShareWith429sUntilSwitchedOff() {
        faults(STRIPE, "{\"rateLimitRate\": 1.0, \"retryAfterSeconds\": 2}");
        for (int i = 0; i < 3; i++) {
            stripe().get("/v1/invoices").then().statusCode(429).header("Retry-After", "2")
                    .body("error.type", equalTo("rate_limit_error"));
        }
        // A rate is not a counter: it lasts, and a share of 0.5 lets some requests through and stops others.
        faults(STRIPE, "{\"rateLimitRate\": 0.5}");
        int limited = 0;
        for (int i = 0; i < 200; i++) {
            int status = stripe().get("/v1/invoices").statusCode();
            assertThat(status).isIn(200, 429);
            limited += status == 429 ? 1 : 0;
        }
        assertThat(limited).isBetween(60, 140);
        noFaults(STRIPE);
        stripe().get("/v1/invoices").then().statusCode(200);
    }

    @Test
    void serverErrorBeforeTheEffectLeavesNothingAndTheRetryIsTheFirstEffect() {
        String customer = unique("cus_fault");
        String key = unique("key-");
        // a 503 saves nothing; Stripe's saved 500s: StripeIdempotencyHorizonTest
        faults(STRIPE, "{\"serverErrorNext\": 1, \"serverErrorStatus\": 503}");
        invoiceItem(key, customer).then().statusCode(503).body("error.type", equalTo("api_error"));
        assertThat(items(customer)).isZero();

        Response retry = invoiceItem(key, customer);
        retry.then().statusCode(200);
        assertThat(retry.header("Idempotent-Replayed")).isNull();
        assertThat(items(customer)).isEqualTo(1);
    }

    @Test
    void serverErrorAfterTheEffectKeepsTheObjectAndTheRetryReplaysIt() {
        String customer = unique("cus_fault");
        String key = unique("key-");
        faults(STRIPE, "{\"serverErrorNext\": 1, \"serverErrorStatus\": 503, \"faultAfterEffect\": true}");
        invoiceItem(key, customer).then().statusCode(503).body("error.type", equalTo("api_error"));
        assertThat(items(customer)).isEqualTo(1);

        Response retry = invoiceItem(key, customer);
        retry.then().statusCode(200).header("Idempotent-Replayed", "true");
        assertThat(items(customer)).isEqualTo(1);
        assertThat(retry.jsonPath().getString("id")).isEqualTo(
                stripe().queryParam("customer", customer).get("/v1/invoiceitems").jsonPath().getString("data[0].id"));
    }

    @Test
    void serverErrorRateOneFailsEveryRequestInTheVendorShape() {
        faults(CHARGEBEE, "{\"serverErrorRate\": 1.0}");
        chargebee().get("/api/v2/usages").then().statusCode(500).body("api_error_code", equalTo("internal_error"))
                .body("http_status_code", equalTo(500));
        chargebee().get("/api/v2/usages").then().statusCode(500);
        noFaults(CHARGEBEE);
        chargebee().get("/api/v2/usages").then().statusCode(200);
    }

    private static Throwable timedOut(String key, String customer) {
        RestAssuredConfig shortWait = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 1000).setParam("http.connection.timeout", 1000));
        return catchThrowable(() -> stripe().config(shortWait).header("Idempotency-Key", key)
                .formParam("customer", customer).formParam("amount", "300").post("/v1/invoiceitems"));
    }

    private static boolean isSocketTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    @Test
    void timeoutBeforeTheEffect() {
        String customer = unique("cus_timeout");
        String key = unique("key-");
        faults(STRIPE, "{\"timeoutNext\": 1, \"timeoutMs\": 4000}");
        assertThat(timedOut(key, customer)).matches(FaultSwitchTest::isSocketTimeout, "a socket timeout");
        assertThat(items(customer)).isZero();
        invoiceItem(key, customer).then().statusCode(200);
        assertThat(items(customer)).isEqualTo(1);
    }

    @Test
    void timeoutAfterTheEffect() {
        String customer = unique("cus_timeout");
        String key = unique("key-");
        faults(STRIPE, "{\"timeoutNext\": 1, \"timeoutMs\": 4000, \"faultAfterEffect\": true}");
        assertThat(timedOut(key, customer)).matches(FaultSwitchTest::isSocketTimeout, "a socket timeout");
        assertThat(items(customer)).isEqualTo(1);
        invoiceItem(key, customer).then().statusCode(200).header("Idempotent-Replayed", "true");
        assertThat(items(customer)).isEqualTo(1);
    }

    @Test
    void delaySlowsEveryResponse() {
        faults(STRIPE, "{\"delayMs\": 400}");
        Response slow = stripe().get("/v1/invoices");
        slow.then().statusCode(200);
        assertThat(slow.time()).isGreaterThanOrEqualTo(400);
    }

    @Test
    void downAnswers503ToEverythingUntilSwitchedOff() {
        faults(STRIPE, "{\"down\": true}");
        stripe().get("/v1/invoices").then().statusCode(503).body("error.type", equalTo("api_error"));
        stripe().formParam("customer", unique("cus_down")).formParam("amount", "1").post("/v1/invoiceitems")
                .then().statusCode(503);
        control(STRIPE).get("faults").then().body("down", equalTo(true));
        noFaults(STRIPE);
        stripe().get("/v1/invoices").then().statusCode(200);
    }

    @Test
    void unknownOrOutOfRangeSwitchesAreRefused() {
        control(STRIPE).contentType("application/json").body("{\"rateLimitNxt\": 1}").put("faults").then().statusCode(400);
        control(STRIPE).contentType("application/json").body("{\"serverErrorRate\": 2}").put("faults").then().statusCode(400);
        control(STRIPE).contentType("application/json").body("{\"rateLimitRate\": -0.1}").put("faults").then().statusCode(400);
        control(STRIPE).get("faults").then().body("rateLimitNext", equalTo(0));
    }
}
