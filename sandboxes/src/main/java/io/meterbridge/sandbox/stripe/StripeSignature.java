package io.meterbridge.sandbox.stripe;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's webhook signature, written from Stripe's documentation and not shared with the hub's verifier, so that a
 * wrong scheme on one side cannot pass on both: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>">},
 * keyed with the endpoint secret as it is (the {@code whsec_} prefix included), as Stripe's libraries verify it.
 */
final class StripeSignature {

    private StripeSignature() {
    }

    static String header(String endpointSecret, long timestamp, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(endpointSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signed = mac.doFinal((timestamp + "." + payload).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
