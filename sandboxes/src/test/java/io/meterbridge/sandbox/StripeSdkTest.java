package io.meterbridge.sandbox;

import java.net.URL;
import java.time.Instant;
import java.util.Map;

import com.stripe.Stripe;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceItem;
import com.stripe.model.billing.MeterEvent;
import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceItemCreateParams;
import com.stripe.param.billing.MeterEventCreateParams;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Stripe Java SDK (pinned to API 2024-04-10) against the Stripe sandbox: what it sends passes the
 * sandbox's validation and what the sandbox answers parses into the SDK's models with the right fields.
 */
@QuarkusTest
class StripeSdkTest {

    @TestHTTPResource("/sandbox/stripe")
    URL sandbox;

    private String previousBase;

    @BeforeEach
    void pointTheSdkAtTheSandbox() {
        previousBase = Stripe.getApiBase();
        Stripe.overrideApiBase(sandbox.toString());
    }

    @AfterEach
    void restore() {
        Stripe.overrideApiBase(previousBase);
    }

    private static RequestOptions options(String key) {
        return RequestOptions.builder().setApiKey(key).build();
    }

    @Test
    void meterEventInvoiceItemAndInvoiceRoundTripThroughTheSdk() throws Exception {
        String key = Sandboxes.stripeKey();
        String customer = Sandboxes.unique("cus_sdk");
        String identifier = Sandboxes.unique("sdk-event-");
        long timestamp = Instant.now().getEpochSecond() - 60;

        MeterEvent event = MeterEvent.create(MeterEventCreateParams.builder()
                .setEventName("api_requests").setIdentifier(identifier).setTimestamp(timestamp)
                .putPayload("stripe_customer_id", customer).putPayload("value", "42").build(), options(key));
        assertThat(event.getObject()).isEqualTo("billing.meter_event");
        assertThat(event.getIdentifier()).isEqualTo(identifier);
        assertThat(event.getEventName()).isEqualTo("api_requests");
        assertThat(event.getTimestamp()).isEqualTo(timestamp);
        assertThat(event.getPayload()).containsEntry("stripe_customer_id", customer).containsEntry("value", "42");

        Invoice invoice = Invoice.create(InvoiceCreateParams.builder().setCustomer(customer).setCurrency("eur")
                .setDescription("usage " + identifier).putMetadata("source", "meterbridge").build(), options(key));
        assertThat(invoice.getId()).startsWith("in_");
        assertThat(invoice.getObject()).isEqualTo("invoice");
        assertThat(invoice.getStatus()).isEqualTo("draft");
        assertThat(invoice.getCustomer()).isEqualTo(customer);
        assertThat(invoice.getMetadata()).isEqualTo(Map.of("source", "meterbridge"));

        InvoiceItem item = InvoiceItem.create(InvoiceItemCreateParams.builder().setCustomer(customer)
                .setInvoice(invoice.getId()).setAmount(1234L).setCurrency("eur").setDescription("API requests")
                .build(), options(key));
        assertThat(item.getId()).startsWith("ii_");
        assertThat(item.getObject()).isEqualTo("invoiceitem");
        assertThat(item.getAmount()).isEqualTo(1234L);
        assertThat(item.getCurrency()).isEqualTo("eur");
        assertThat(item.getInvoice()).isEqualTo(invoice.getId());

        Invoice finalized = Invoice.retrieve(invoice.getId(), options(key)).finalizeInvoice(options(key));
        assertThat(finalized.getStatus()).isEqualTo("open");
        assertThat(finalized.getNumber()).isNotBlank();
        assertThat(finalized.getTotal()).isEqualTo(1234L);
        assertThat(finalized.getLines().getData()).singleElement()
                .satisfies(line -> assertThat(line.getAmount()).isEqualTo(1234L));
    }
}
