package io.meterbridge.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Helpers of the sandbox tests: authenticated requests with a key of the test's own (rate limits are per key). */
public final class Sandboxes {

    public static final String STRIPE = "/sandbox/stripe";
    public static final String CHARGEBEE = "/sandbox/chargebee";

    private Sandboxes() {
    }

    /** A fresh Stripe test key: its own rate-limit bucket. */
    public static String stripeKey() {
        return "sk_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    public static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public static RequestSpecification stripe(String key) {
        return RestAssured.given().header("Authorization", "Bearer " + key)
                .contentType("application/x-www-form-urlencoded").basePath(STRIPE);
    }

    public static RequestSpecification stripe() {
        return stripe(stripeKey());
    }

    public static String chargebeeKey() {
        return "test_" + UUID.randomUUID().toString().replace("-", "");
    }

    public static RequestSpecification chargebee(String key) {
        String basic = Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
        return RestAssured.given().header("Authorization", "Basic " + basic)
                .contentType("application/x-www-form-urlencoded").basePath(CHARGEBEE);
    }

    public static RequestSpecification chargebee() {
        return chargebee(chargebeeKey());
    }

    /** Control API of a sandbox (no credentials). */
    public static RequestSpecification control(String sandbox) {
        return RestAssured.given().basePath(sandbox + "/_sandbox");
    }

    /** Switches every fault off. */
    public static void noFaults(String sandbox) {
        control(sandbox).contentType("application/json").body("{}").put("faults").then().statusCode(200);
    }

    /** Sends the sandbox's webhooks to {@code url} (a test receiver) instead of the configured endpoint. */
    public static void webhooksTo(String sandbox, String url) {
        control(sandbox).contentType("application/json").body(java.util.Map.of("url", url)).put("webhooks/endpoint")
                .then().statusCode(200);
    }

    /** Back to the configured webhook endpoint. */
    public static void configuredWebhooks(String sandbox) {
        control(sandbox).contentType("application/json").body("{\"url\":null}").put("webhooks/endpoint").then()
                .statusCode(200);
    }
}
