package io.meterbridge.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jolokia agent Hawtio talks to: no answer without credentials, no browser origin but the configured ones (and no
 * reflected Origin with credentials), reads of everything, and only the documented route operations.
 */
@QuarkusTest
@TestProfile(ProdLikeSecurity.class)
@QuarkusTestResource(EmbeddedEngines.class)
class JolokiaAccessTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ROUTE_MBEAN = "org.apache.camel:context=meterbridge,type=routes,name=\\\"%s\\\"";

    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    CamelContext camel;

    @Test
    void anonymousCallsAreRefused() throws Exception {
        HttpResponse<String> response = send(get("/jolokia/version").build());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("\"agent\"");
        HttpResponse<String> wrong = send(get("/jolokia/version")
                .header("Authorization", basic(ProdLikeSecurity.JOLOKIA_USER, "guess")).build());
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void crossOriginCallsAreRefusedAndNeverReflected() throws Exception {
        HttpResponse<String> evil = send(get("/jolokia/version").header("Origin", "https://evil.example")
                .header("Authorization", basic(ProdLikeSecurity.JOLOKIA_USER, ProdLikeSecurity.JOLOKIA_PASSWORD)).build());
        // Jolokia answers HTTP 200 with the error in the body.
        assertThat(json(evil).path("status").asInt()).as(evil.body()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(evil.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(evil.body()).doesNotContain("\"agent\"");

        HttpResponse<String> preflight = send(HttpRequest.newBuilder(jolokia("/jolokia/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""))
                .doesNotContain("evil.example").isNotEqualTo("*");

        String hawtio = "http://localhost:18090";
        HttpResponse<String> local = send(authenticated(get("/jolokia/version")).build());
        assertThat(json(local).path("status").asInt()).isEqualTo(200);
        assertThat(json(local).path("value").path("agent").asText()).isNotEmpty();
        assertThat(local.headers().firstValue("Access-Control-Allow-Origin")).contains(hawtio);
    }

    @Test
    void aClientWithoutOriginIsRefused() throws Exception {
        // strict checking: without an Origin (or Referer) a request could come from anywhere, so it is refused too
        HttpResponse<String> response = send(get("/jolokia/version")
                .header("Authorization", basic(ProdLikeSecurity.JOLOKIA_USER, ProdLikeSecurity.JOLOKIA_PASSWORD)).build());
        assertThat(json(response).path("status").asInt()).isEqualTo(403);
    }

    @Test
    void opsReadEverythingAndRunOnlyTheDocumentedRouteOperations() throws Exception {
        JsonNode state = exec("""
                {"type":"read","mbean":"%s","attribute":"State"}""".formatted(route("ingest-http")));
        assertThat(state.path("status").asInt()).as(state.toString()).isEqualTo(200);
        assertThat(state.path("value").asText()).isEqualTo("Started");
        JsonNode memory = exec("""
                {"type":"read","mbean":"java.lang:type=Memory","attribute":"HeapMemoryUsage"}""");
        assertThat(memory.path("status").asInt()).isEqualTo(200);

        // Allowed: suspend and resume a consumer route (a timer route here, so nothing else notices).
        JsonNode suspended = exec("""
                {"type":"exec","mbean":"%s","operation":"suspend()"}""".formatted(route("quarantine-release")));
        assertThat(suspended.path("status").asInt()).as(suspended.toString()).isEqualTo(200);
        assertThat(camel.getRouteController().getRouteStatus("quarantine-release")).isEqualTo(ServiceStatus.Suspended);
        JsonNode resumed = exec("""
                {"type":"exec","mbean":"%s","operation":"resume()"}""".formatted(route("quarantine-release")));
        assertThat(resumed.path("status").asInt()).isEqualTo(200);
        assertThat(camel.getRouteController().getRouteStatus("quarantine-release")).isEqualTo(ServiceStatus.Started);

        // Refused: sending a message, creating an endpoint, removing a route, writing an attribute, a heap dump.
        assertForbidden("""
                {"type":"exec","mbean":"org.apache.camel:context=meterbridge,type=context,name=\\"meterbridge\\"",
                 "operation":"sendStringBody(java.lang.String,java.lang.String)","arguments":["direct:ingest-events","x"]}""");
        assertForbidden("""
                {"type":"exec","mbean":"org.apache.camel:context=meterbridge,type=context,name=\\"meterbridge\\"",
                 "operation":"createEndpoint(java.lang.String)","arguments":["log:jolokia"]}""");
        assertForbidden("""
                {"type":"exec","mbean":"%s","operation":"remove()"}""".formatted(route("quarantine-release")));
        assertForbidden("""
                {"type":"write","mbean":"%s","attribute":"Tracing","value":true}""".formatted(route("ingest-http")));
        assertForbidden("""
                {"type":"exec","mbean":"com.sun.management:type=HotSpotDiagnostic","operation":"dumpHeap",
                 "arguments":["/tmp/meterbridge-heap.hprof",true]}""");
        assertThat(camel.getRoute("quarantine-release")).isNotNull();
        assertThat(camel.hasEndpoint("log:jolokia")).isNull();
    }

    private void assertForbidden(String request) throws Exception {
        JsonNode answer = exec(request);
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(403);
    }

    private JsonNode exec(String request) throws Exception {
        HttpResponse<String> response = send(authenticated(HttpRequest.newBuilder(jolokia("/jolokia/")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build());
        return json(response);
    }

    private static String route(String id) {
        return ROUTE_MBEAN.formatted(id);
    }

    private static URI jolokia(String path) {
        return URI.create("http://127.0.0.1:" + ProdLikeSecurity.JOLOKIA_PORT + path);
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(jolokia(path)).GET();
    }

    /** Hawtio's requests, run locally or through kubectl port-forward: a loopback origin, as a browser sends it. */
    private static HttpRequest.Builder authenticated(HttpRequest.Builder request) {
        return request.header("Origin", "http://localhost:18090").header("Authorization", basic(ProdLikeSecurity.JOLOKIA_USER, ProdLikeSecurity.JOLOKIA_PASSWORD));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return MAPPER.readTree(response.body());
    }
}
