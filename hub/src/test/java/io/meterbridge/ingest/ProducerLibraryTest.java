package io.meterbridge.ingest;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import io.meterbridge.producer.CloudEvent;
import io.meterbridge.producer.MeterbridgeClient;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

/** The Java producer library (module producer/) against the hub: signed or keyed batches, accepted once. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ProducerLibraryTest {

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static CloudEvent event(String id, String source, String subject) {
        return CloudEvent.builder().id(id).source(source).type("api.request").subject(subject)
                .time(Instant.parse("2026-11-24T09:00:00Z"))
                .data("{\"count\":2,\"endpoint\":\"GET /v1/orders\",\"user_id\":\"lib-user\"}").build();
    }

    @Test
    void aSignedBatchIsAcceptedOnceAndASecondSendIsDuplicates() throws Exception {
        MeterbridgeClient client = MeterbridgeClient.builder(URI.create("http://127.0.0.1:" + port))
                .source("demo").secret("demo-secret").build();
        String a = uniqueId("lib-a"), b = uniqueId("lib-b");
        MeterbridgeClient.Result first = client.send(List.of(event(a, "demo", "acme"), event(b, "demo", "globex")));
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.accepted()).isEqualTo(2);
        MeterbridgeClient.Result again = client.send(List.of(event(a, "demo", "acme"), event(b, "demo", "globex")));
        assertThat(again.accepted()).isZero();
        assertThat(again.duplicates()).isEqualTo(2);
        Topics.awaitAllAccepted(List.of(a, b));
    }

    @Test
    void anApiKeyBatchIsAcceptedAndAWrongSecretIsRefused() throws Exception {
        String id = uniqueId("lib-key");
        MeterbridgeClient keyed = MeterbridgeClient.builder(URI.create("http://127.0.0.1:" + port)).source("demo-sdk")
                .apiKey("demo-api-key-0123456789abcdef0123456789abcdef").build();
        assertThat(keyed.send(List.of(event(id, "demo-sdk", "acme"))).accepted()).isEqualTo(1);
        MeterbridgeClient wrong = MeterbridgeClient.builder(URI.create("http://127.0.0.1:" + port)).source("demo")
                .secret("not-the-secret").build();
        MeterbridgeClient.Result refused = wrong.send(List.of(event(uniqueId("lib-wrong"), "demo", "acme")));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.attempts()).as("a 401 is not retried").isEqualTo(1);
    }
}
