package io.meterbridge.billing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.connector.RejectedByVendorException;
import io.meterbridge.billing.connector.StripeConnector;
import io.meterbridge.billing.connector.VendorCall;
import io.meterbridge.billing.connector.VendorException;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The wiring of the stripe-call route (vendor-call template): a Stripe request leaves through Camel's http endpoint
 * of the configured base URL, and a 429 comes back as a retryable failure carrying its Retry-After, with the route's
 * exchange counted as failed (what Hawtio shows).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeCallRouteTest {

    @Inject
    CamelContext camel;

    @Inject
    StripeConnector stripe;

    @ConfigProperty(name = "hub.billing.stripe.base-url")
    String baseUrl;

    @AfterEach
    void noFaults() {
        SandboxClient.stripe().noFaults();
    }

    @Test
    void theCallGoesThroughTheHttpEndpointOfTheBaseUrl() {
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("stripe-call").whenCompleted(1).create();
        SandboxClient sandbox = SandboxClient.stripe();
        long mark = sandbox.mark();

        JsonNode page = stripe.send(VendorCall.get("/v1/invoices?customer=cus_route_test&limit=3"));

        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(page.path("object").asText()).isEqualTo("list");
        List<JsonNode> requests = sandbox.journalSince(mark).stream()
                .filter(e -> e.path("path").asText().equals("/v1/invoices") && e.path("method").asText().equals("GET"))
                .toList();
        assertThat(requests).isNotEmpty();
        List<Endpoint> http = camel.getEndpoints().stream().filter(e -> e instanceof HttpEndpoint).toList();
        assertThat(http).extracting(Endpoint::getEndpointUri).anyMatch(uri -> uri.startsWith(baseUrl + "?"));
        assertThat(camel.getRoute("stripe-call").getEndpoint().getEndpointUri()).isEqualTo("direct://stripe-call");
    }

    @Test
    void a429IsARetryableFailureWithItsRetryAfter() {
        NotifyBuilder failed = new NotifyBuilder(camel).fromRoute("stripe-call").whenFailed(1).create();
        SandboxClient.stripe().faults(Map.of("rateLimitNext", 1, "retryAfterSeconds", 7));

        VendorException refused = catchThrowableOfType(VendorException.class,
                () -> stripe.send(VendorCall.get("/v1/invoices?customer=cus_route_test&limit=1")));

        assertThat(failed.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).isNotInstanceOf(RejectedByVendorException.class);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(refused.target()).isEqualTo("stripe");
        // What Hawtio reads over JMX: the call step counted the exchange, the classification step the failure.
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        ManagedProcessorMBean call = managed.getManagedProcessor("stripe-http-call");
        ManagedProcessorMBean classify = managed.getManagedProcessor("stripe-classify-answer");
        assertThat(call.getExchangesTotal()).isPositive();
        assertThat(classify.getExchangesFailed()).isPositive();
        System.out.printf("Hawtio view of stripe-call: http-call %d exchanges (mean %d ms), classify-answer %d failed; "
                + "http endpoints %s%n", call.getExchangesTotal(), call.getMeanProcessingTime(),
                classify.getExchangesFailed(), camel.getEndpoints().stream().filter(e -> e instanceof HttpEndpoint)
                        .map(Endpoint::getEndpointUri).toList());
    }
}
