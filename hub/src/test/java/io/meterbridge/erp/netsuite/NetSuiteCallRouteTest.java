package io.meterbridge.erp.netsuite;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpException;
import io.meterbridge.platform.CircuitOpenException;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedProcessorMBean;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.spi.IdAware;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The wiring of the netsuite-call route (vendor-call template): a NetSuite request leaves through Camel's http
 * endpoint of hub.erp.netsuite.base-url, TBA-signed for exactly that URL (the sandbox verifies the signature); a 429
 * comes back as a retryable ErpException with its Retry-After and the route's exchange counted as failed (what Hawtio
 * shows); after hub.erp.circuit-breaker.request-volume failed calls the breaker opens and the next call is not made.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteCallRouteTest {

    @Inject
    CamelContext camel;

    @Inject
    NetSuiteConnector netSuite;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(netSuite);
    }

    @ConfigProperty(name = "hub.erp.netsuite.base-url")
    String baseUrl;

    @ConfigProperty(name = "hub.erp.circuit-breaker.request-volume")
    int requestVolume;

    @AfterEach
    void noFaults() {
        SandboxClient.netSuite().noFaults();
    }

    @Test
    void theCallGoesThroughTheHttpEndpointOfTheBaseUrlSignedForIt() {
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("netsuite-call").whenCompleted(2).create();
        SandboxClient sandbox = SandboxClient.netSuite();
        long mark = sandbox.mark();
        String externalId = unique("route");

        String id = netSuite.upsertCustomer(customer(externalId, "Routed Co"));

        assertThat(netSuite.findInternalId("customer", externalId)).contains(id);
        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        List<JsonNode> requests = sandbox.journalSince(mark);
        assertThat(requests).extracting(e -> e.path("method").asText() + " " + e.path("path").asText()).containsExactly(
                "PUT /services/rest/record/v1/customer/eid:" + externalId,
                "GET /services/rest/record/v1/customer/eid:" + externalId);
        assertThat(requests).allSatisfy(e -> assertThat(e.path("status").asInt()).isBetween(200, 299));
        // Nothing of the endpoint's configuration reaches NetSuite (a query parameter would also change the signature).
        assertThat(requests).allSatisfy(e -> assertThat(e.path("query").asText("")).isEmpty());
        List<Endpoint> http = camel.getEndpoints().stream().filter(e -> e instanceof HttpEndpoint).toList();
        assertThat(http).extracting(Endpoint::getEndpointUri).anyMatch(uri -> uri.startsWith(baseUrl + "?"));
        assertThat(camel.getRoute("netsuite-call").getEndpoint().getEndpointUri()).isEqualTo("direct://netsuite-call");
    }

    @Test
    void a429IsARetryableFailureWithItsRetryAfter() {
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("netsuite-call").whenFailed(1).create();
        SandboxClient.netSuite().faults(Map.of("rateLimitNext", 1, "retryAfterSeconds", 7));

        ErpException refused = catchThrowableOfType(() -> netSuite.upsertCustomer(customer(unique("route"), "Busy Co")),
                ErpException.class);

        assertThat(failed.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        // What Hawtio reads over JMX: the call step counted the exchange, the classification step the failure.
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        ManagedProcessorMBean call = managed.getManagedProcessor("netsuite-http-call");
        ManagedProcessorMBean classify = managed.getManagedProcessor("netsuite-classify-answer");
        assertThat(call.getExchangesTotal()).isPositive();
        assertThat(classify.getExchangesFailed()).isPositive();
        System.out.printf("Hawtio view of netsuite-call: nodes %s; http-call %d exchanges (mean %d ms), "
                + "classify-answer %d failed; http endpoints %s%n",
                camel.getRoute("netsuite-call").filter("*").stream()
                        .map(p -> p instanceof IdAware node ? node.getId() : p.toString()).toList(),
                call.getExchangesTotal(), call.getMeanProcessingTime(), classify.getExchangesFailed(),
                camel.getEndpoints().stream().filter(e -> e instanceof HttpEndpoint).map(Endpoint::getEndpointUri)
                        .toList());
    }

    @Test
    void theBreakerOpensAfterAnOutageAndMakesNoCallUntilItsDelayIsOver() {
        SandboxClient sandbox = SandboxClient.netSuite();
        sandbox.faults(Map.of("down", true));
        for (int i = 0; i < requestVolume; i++) {
            ErpException down = catchThrowableOfType(() -> netSuite.upsertCustomer(customer(unique("down"), "Down Co")),
                    ErpException.class);
            assertThat(down.retryable()).isTrue();
        }
        long mark = sandbox.mark();

        ErpException open = catchThrowableOfType(() -> netSuite.upsertCustomer(customer(unique("open"), "Open Co")),
                ErpException.class);

        assertThat(open.retryable()).isTrue();
        assertThat(open).hasCauseInstanceOf(CircuitOpenException.class);
        assertThat(sandbox.journalSince(mark)).isEmpty();
        sandbox.noFaults();
        // After hub.erp.circuit-breaker.delay-ms a trial call goes through and closes the breaker again.
        String externalId = unique("back");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreException(ErpException.class)
                .until(() -> netSuite.upsertCustomer(customer(externalId, "Back Co")) != null);
    }
}
