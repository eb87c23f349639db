package io.meterbridge.ingest;

import java.time.Instant;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.SECRET;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.bytes;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.signature;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.Topics.accepted;
import static io.meterbridge.support.Topics.deadLetters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Unsigned, forged, stale and wrong-source input: refused, and nothing of it written anywhere. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class SignatureRejectionTest {

    @Inject
    DataSource dataSource;

    private void assertNothingWritten(String id) throws Exception {
        assertThat(Claims.count(dataSource, id)).as("claims").isZero();
        assertThat(accepted(id)).as("accepted topic").isEmpty();
        assertThat(deadLetters(id)).as("dead-letter topic").isEmpty();
    }

    @Test
    void unsignedRequestIsRefused() throws Exception {
        String id = uniqueId("unsigned");
        post(bytes(batch(apiRequest(id, 1, "u"))), BATCH, null).then().statusCode(401)
                .header("WWW-Authenticate", "Meterbridge-Signature")
                .body("error", containsString("missing Meterbridge-Signature"));
        assertNothingWritten(id);
    }

    @Test
    void forgedSignatureIsRefused() throws Exception {
        String id = uniqueId("forged");
        byte[] body = bytes(batch(apiRequest(id, 1, "u")));
        post(body, BATCH, SignatureVerifier.sign("not-the-secret", Instant.now().getEpochSecond(), body))
                .then().statusCode(401).body("error", containsString("does not match"));
        assertNothingWritten(id);
    }

    @Test
    void aSignatureOverAnotherBodyIsRefused() throws Exception {
        String id = uniqueId("tampered");
        byte[] signed = bytes(batch(apiRequest(id, 1, "u")));
        byte[] sent = bytes(batch(apiRequest(id, 1000, "u")));
        post(sent, BATCH, signature(signed)).then().statusCode(401);
        assertNothingWritten(id);
    }

    @Test
    void staleAndFutureSignaturesAreRefused() throws Exception {
        String id = uniqueId("stale");
        byte[] body = bytes(batch(apiRequest(id, 1, "u")));
        long now = Instant.now().getEpochSecond();
        post(body, BATCH, SignatureVerifier.sign(SECRET, now - 301, body)).then().statusCode(401)
                .body("error", containsString("tolerance 300 s"));
        post(body, BATCH, SignatureVerifier.sign(SECRET, now + 400, body)).then().statusCode(401);
        assertNothingWritten(id);
    }

    @Test
    void aSourceHeaderNamingAnUnregisteredSourceIsRefused() throws Exception {
        String id = uniqueId("unregistered");
        byte[] body = bytes(batch(apiRequest(id, 1, "u")));
        RestAssured.given().contentType(BATCH).header("Meterbridge-Source", "nobody")
                .header(SignatureVerifier.HEADER, signature(body)).body(body)
                .post("/api/v1/events").then().statusCode(401).body("error", containsString("'nobody' is not registered"));
        assertNothingWritten(id);
    }

    @Test
    void aRotatingSourceMaySendTwoSignaturesAndTheSourceHeaderIsOptional() throws Exception {
        String id = uniqueId("rotation");
        byte[] body = bytes(batch(apiRequest(id, 1, "u")));
        long now = Instant.now().getEpochSecond();
        String oldAndNew = SignatureVerifier.sign("retired-secret", now, body) + ","
                + SignatureVerifier.sign(SECRET, now, body).replaceFirst("^t=\\d+,", "");
        post(body, BATCH, oldAndNew).then().statusCode(202).body("accepted", equalTo(1));
        assertThat(Claims.count(dataSource, id)).isEqualTo(1);
    }

    @Test
    void anEventWhoseSourceIsNotTheSigningSourceIsRejectedAndNotAccepted() throws Exception {
        String id = uniqueId("wrong-source");
        var event = apiRequest(id, 1, "u");
        event.put("source", "billing-service");
        post(batch(event), BATCH).then().statusCode(400)
                .body("accepted", equalTo(0))
                .body("rejected[0].id", equalTo(id))
                .body("rejected[0].reason", containsString("source: 'billing-service' is not the signing source 'demo'"));
        assertThat(Claims.count(dataSource, id)).isZero();
        assertThat(accepted(id)).isEmpty();
        assertThat(deadLetters(id)).singleElement()
                .satisfies(dl -> assertThat(dl.path("code").asText()).isEqualTo("source_mismatch"));
    }
}
