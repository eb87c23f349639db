package io.meterbridge.erp.netsuite;

import io.meterbridge.support.SandboxClient;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/** Helpers of the NetSuite tests: documents, raw signed requests to the sandbox and its control API. */
final class NetSuiteTests {

    static final String SANDBOX = "/sandbox/netsuite";
    static final String RECORDS = SANDBOX + "/services/rest/record/v1";
    static final String ACCOUNT = "1234567_SB1";
    static final String GATE_KEY = "netsuite:" + ACCOUNT;
    static final List<String> SECRETS = List.of("meterbridge-sandbox-consumer-secret", "meterbridge-sandbox-token-secret",
            "meterbridge-sandbox-client-secret");
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private NetSuiteTests() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** A signer with the sandbox's default-run credentials, or with a wrong token secret. */
    static TbaSigner signer(String tokenSecret) {
        return new TbaSigner(ACCOUNT, "meterbridge-sandbox-consumer-key", "meterbridge-sandbox-consumer-secret",
                "meterbridge-sandbox-token-id", tokenSecret);
    }

    static TbaSigner signer() {
        return signer("meterbridge-sandbox-token-secret");
    }

    /** A raw request to the sandbox, TBA-signed with {@code signer} (null: no Authorization), extra headers in pairs. */
    static HttpResponse<String> raw(String method, String path, String body, TbaSigner signer, String... headers)
            throws Exception {
        URI uri = uri(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (signer != null) {
            b.header("Authorization", signer.header(method, uri));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    /** The control API, through the one sandbox client of test-support. */
    static final SandboxClient CONTROL = SandboxClient.netSuite();

    static RequestSpecification control() {
        return CONTROL.control();
    }

    static void faults(String json) {
        CONTROL.faults(json);
    }

    static void noFaults() {
        CONTROL.noFaults();
    }

    static JsonNode stats() throws Exception {
        return CONTROL.stats();
    }

    static JsonNode records(String type) throws Exception {
        return JSON.valueToTree(CONTROL.records(type));
    }

    static JsonNode journal() throws Exception {
        return JSON.valueToTree(CONTROL.journal());
    }

    static NsCustomer customer(String externalId, String name) {
        return new NsCustomer(externalId, name, "billing@" + name.toLowerCase().replaceAll("[^a-z]", "") + ".example",
                null, NsRef.id("1"), NsRef.id("1"), null, "created by Meterbridge tests");
    }

    static NsInvoice invoice(String externalId, String customerExternalId, String... amounts) {
        List<NsItemLine> lines = java.util.Arrays.stream(amounts)
                .map(a -> new NsItemLine(NsRef.id("501"), BigDecimal.ONE, null, new BigDecimal(a), "usage " + a,
                        null, NsRef.id("3"), NsRef.id("4")))
                .toList();
        return new NsInvoice(externalId, NsRef.external(customerExternalId), LocalDate.of(2026, 11, 30),
                LocalDate.of(2026, 12, 30), NsRef.id("1"), NsRef.id("1"), NsRef.id("3"), NsRef.id("4"), null, null,
                null, "November usage", null, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30), lines);
    }

    /**
     * Waits until route netsuite-call's circuit breaker lets calls through: the breaker is shared by every test of the
     * run, and an earlier test's faults may have opened it. A look-up is the probe (a 404 is an answer).
     */
    static void awaitClosedCircuit(NetSuiteConnector connector) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .ignoreException(io.meterbridge.erp.ErpException.class)
                .until(() -> connector.findInternalId("customer", "mb-breaker-probe").isEmpty());
    }
}
