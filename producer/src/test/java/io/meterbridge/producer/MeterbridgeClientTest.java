package io.meterbridge.producer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The client against a scripted server: retries on 503 and 429 honour Retry-After, and every attempt is signed anew. */
class MeterbridgeClientTest {

    private HttpServer server;
    private final ConcurrentLinkedDeque<int[]> script = new ConcurrentLinkedDeque<>();
    private final List<String[]> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Duration> slept = new ArrayList<>();
    private final Instant now = Instant.parse("2026-11-24T09:00:00Z");

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/events", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        received.add(new String[] {exchange.getRequestHeaders().getFirst("Meterbridge-Signature"),
                new String(body, StandardCharsets.UTF_8), exchange.getRequestHeaders().getFirst("Meterbridge-Source"),
                exchange.getRequestHeaders().getFirst("Authorization")});
        int[] next = script.poll();
        int status = next == null ? 202 : next[0];
        if (next != null && next[1] > 0) {
            exchange.getResponseHeaders().add("Retry-After", String.valueOf(next[1]));
        }
        if (next != null && next[1] < 0) {
            exchange.getResponseHeaders().add("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(now.plusSeconds(-next[1]).atOffset(ZoneOffset.UTC)));
        }
        byte[] answer = (status == 202 ? "{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}" : "{\"error\":\"busy\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private MeterbridgeClient client(int maxAttempts) {
        return MeterbridgeClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .source("demo").secret("demo-secret").maxAttempts(maxAttempts)
                .clock(Clock.fixed(now, ZoneOffset.UTC)).sleeper(slept::add).build();
    }

    private static CloudEvent event() {
        return CloudEvent.builder().id("ev-1").source("demo").type("api.request").subject("acme")
                .time(Instant.parse("2026-11-24T08:59:00Z")).data("{\"count\":3,\"endpoint\":\"GET \\\"/v1\\\"\"}").build();
    }

    @Test
    void a503IsRetriedAfterItsRetryAfterWithAFreshSignature() throws Exception {
        script.add(new int[] {503, 2});
        script.add(new int[] {429, -7}); // Retry-After as an HTTP date, 7 s ahead
        MeterbridgeClient.Result result = client(5).send(List.of(event()));
        assertThat(result.status()).isEqualTo(202);
        assertThat(result.isAccepted()).isTrue();
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(7));
        assertThat(received).hasSize(3);
        for (String[] request : received) {
            assertThat(request[2]).isEqualTo("demo");
            assertThat(request[0]).isEqualTo(new Signer("demo-secret").sign(now.getEpochSecond(),
                    request[1].getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(received.get(0)[1]).startsWith("[{").contains("\"id\":\"ev-1\"", "\"data\":{\"count\":3");
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastAnswer() throws Exception {
        for (int i = 0; i < 3; i++) {
            script.add(new int[] {503, 0});
        }
        MeterbridgeClient.Result result = client(3).send(List.of(event()));
        assertThat(result.status()).isEqualTo(503);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void otherAnswersAreNotRetriedAndAnApiKeyReplacesTheSignature() throws Exception {
        script.add(new int[] {400, 0});
        MeterbridgeClient keyed = MeterbridgeClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .source("demo-sdk").apiKey("k".repeat(40)).sleeper(slept::add).build();
        MeterbridgeClient.Result result = keyed.send(List.of(event()));
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(received.get(0)[0]).isNull();
        assertThat(received.get(0)[3]).isEqualTo("Bearer " + "k".repeat(40));
    }

    @Test
    void aBinaryModeSignatureCoversTheAttributes() {
        Signer signer = new Signer("s");
        byte[] data = "{\"count\":1}".getBytes(StandardCharsets.UTF_8);
        String a = signer.signBinary(1, java.util.Map.of("id", "1", "subject", "acme"), data);
        String b = signer.signBinary(1, java.util.Map.of("id", "1", "subject", "globex"), data);
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(signer.sign(1, "id:1\nsubject:acme\n\n{\"count\":1}".getBytes(StandardCharsets.UTF_8)));
    }
}
