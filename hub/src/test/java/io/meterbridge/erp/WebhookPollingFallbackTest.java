package io.meterbridge.erp;

import io.meterbridge.support.SandboxClient;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.postingStatus;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/** A webhook that never came: the polling fallback finds the invoice in Stripe's event list, once. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class WebhookPollingFallbackTest {

    @Inject
    PlatformWebhooks webhooks;

    @AfterEach
    void webhooksBack() {
        SandboxClient.of("stripe").noFaults();
    }

    @Test
    void pollingFindsTheInvoiceWhoseWebhookWasLostAndHandlesItOnce() throws Exception {
        SandboxClient.of("stripe").faults(Map.of("dropWebhooks", true));
        String tenant = uniqueId("poll");
        String invoice = deliveredAs(closedSeptember(tenant, "netsuite"));
        String posting = "mb-inv-stripe-" + invoice;
        assertThat(postingStatus(posting)).isNull();

        assertThat(webhooks.poll()).isPositive();
        awaitPosted(posting);
        assertThat(webhooks.poll()).isZero();
        assertThat(finance().get("/api/v1/erp/documents").then().extract().jsonPath()
                .getList("findAll { it.source_id == '" + invoice + "' }")).hasSize(1);
    }
}
