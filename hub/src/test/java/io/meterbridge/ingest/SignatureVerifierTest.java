package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignatureVerifierTest {

    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac demo-secret
    private static final String OPENSSL_V1 = "2a542428182237bed2081dc2d1eabcbd3e780f8750a0be7281a9f494d66be808";

    @Test
    void signatureMatchesAnIndependentOpensslComputation() {
        assertThat(SignatureVerifier.sign("demo-secret", 1700000000L, BODY)).isEqualTo("t=1700000000,v1=" + OPENSSL_V1);
        var signature = SignatureVerifier.parse("t=1700000000,v1=" + OPENSSL_V1);
        assertThat(SignatureVerifier.matches(signature, BODY, List.of("demo-secret"))).isTrue();
        assertThat(SignatureVerifier.matches(signature, "{\"a\":2}".getBytes(), List.of("demo-secret"))).isFalse();
    }

    @Test
    void anyOfSeveralV1ValuesMayMatchAnyOfTheSourceSecretsDuringRotation() {
        var signature = SignatureVerifier.parse("t=1700000000,v1=" + "00".repeat(32) + ",v1=" + OPENSSL_V1);
        assertThat(SignatureVerifier.matches(signature, BODY, List.of("new-secret", "demo-secret"))).isTrue();
        assertThat(SignatureVerifier.matches(signature, BODY, List.of("new-secret"))).isFalse();
    }

    @Test
    void malformedHeadersAreRefusedWithTheProblemNamed() {
        assertThatThrownBy(() -> SignatureVerifier.parse(null)).hasMessageContaining("missing Meterbridge-Signature");
        assertThatThrownBy(() -> SignatureVerifier.parse("v1=" + OPENSSL_V1)).hasMessageContaining("no t=");
        assertThatThrownBy(() -> SignatureVerifier.parse("t=1700000000")).hasMessageContaining("no v1=");
        assertThatThrownBy(() -> SignatureVerifier.parse("t=soon,v1=ab")).hasMessageContaining("unreadable t");
        assertThatThrownBy(() -> SignatureVerifier.parse("t=1,v1=xyz")).hasMessageContaining("unreadable v1");
    }

    @Test
    void freshnessIsJudgedBothWaysAgainstTheTolerance() {
        var signature = SignatureVerifier.parse("t=1700000000,v1=" + OPENSSL_V1);
        Duration tolerance = Duration.ofSeconds(300);
        SignatureVerifier.checkFreshness(signature, Instant.ofEpochSecond(1700000300L), tolerance);
        SignatureVerifier.checkFreshness(signature, Instant.ofEpochSecond(1699999700L), tolerance);
        assertThatThrownBy(() -> SignatureVerifier.checkFreshness(signature, Instant.ofEpochSecond(1700000301L), tolerance))
                .isInstanceOf(RequestRejectedException.class).hasMessageContaining("301 s");
        assertThatThrownBy(() -> SignatureVerifier.checkFreshness(signature, Instant.ofEpochSecond(1699999699L), tolerance))
                .isInstanceOf(RequestRejectedException.class);
    }
}
