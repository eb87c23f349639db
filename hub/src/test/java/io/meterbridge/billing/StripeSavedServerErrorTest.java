package io.meterbridge.billing;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.BillingFixture.stripeInvoiceItems;
import static io.meterbridge.support.BillingFixture.stripeInvoices;
import static io.meterbridge.support.BillingFixture.stripeTenantWithSeptemberUsage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe saves a 500 under the request's idempotency key and answers it again to every retry with that key. The
 * delivery must not be stuck behind it (the next attempt writes with the next key generation) and must not
 * duplicate what the failed request did create (it looks up the invoice first).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripeSavedServerErrorTest {

    @AfterEach
    void healthyStripe() {
        SandboxClient.stripe().noFaults();
    }

    /** POSTs creating this customer's draft invoice, in order: key, status, replayed. */
    private static List<Map<String, Object>> draftRequests(String customer) {
        return SandboxClient.stripe().journalJson().getList("findAll { it.method == 'POST' && it.path == '/v1/invoices'"
                + " && it.params?.customer == '" + customer + "' }");
    }

    private static void assertOneInvoiceOf5400(String customer, String delivery) {
        String invoice = deliveredAs(delivery);
        JsonPath invoices = stripeInvoices(customer);
        assertThat(invoices.getList("data")).as("invoices of " + customer).hasSize(1);
        assertThat(invoices.getString("data[0].id")).isEqualTo(invoice);
        assertThat(invoices.getString("data[0].status")).isEqualTo("open");
        assertThat(invoices.getLong("data[0].total")).isEqualTo(5400L);
        assertThat(stripeInvoiceItems(invoice).getList("data.amount", Long.class))
                .containsExactlyInAnyOrder(400L, 50L, 4950L);
    }

    @Test
    void aSaved500AfterTheDraftWasCreatedResumesThatDraft() {
        String tenant = stripeTenantWithSeptemberUsage("saved500-after");
        String customer = stripeCustomer(tenant);
        SandboxClient.stripe().faults(Map.of("serverErrorNext", 1, "faultAfterEffect", true));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");

        assertOneInvoiceOf5400(customer, delivery);
        List<Map<String, Object>> drafts = draftRequests(customer);
        assertThat(drafts).as("the draft was created once; its answer, a saved 500, was never asked for again")
                .singleElement().satisfies(d -> assertThat(d).containsEntry("status", 500)
                        .containsEntry("idempotencyKey", delivery + "-invoice"));
        // the rest of the delivery went out with the next key generation
        List<String> itemKeys = SandboxClient.stripe().journalJson().getList("findAll { it.path == '/v1/invoiceitems'"
                + " && it.params?.customer == '" + customer + "' }.idempotencyKey");
        assertThat(itemKeys).hasSize(3).allMatch(key -> key.endsWith("-g1"));
    }

    @Test
    void aSaved500BeforeAnyEffectIsFollowedByOneDraftUnderANewKey() {
        String tenant = stripeTenantWithSeptemberUsage("saved500-before");
        String customer = stripeCustomer(tenant);
        SandboxClient.stripe().faults(Map.of("serverErrorNext", 1));
        String delivery = close(tenant, "2026-09-15T00:00:00Z").getString("deliveries[0]");

        assertOneInvoiceOf5400(customer, delivery);
        assertThat(draftRequests(customer)).extracting(d -> d.get("idempotencyKey") + "=" + d.get("status"))
                .containsExactly(delivery + "-invoice=500", delivery + "-invoice-g1=200");
    }
}
