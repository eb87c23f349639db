package io.meterbridge.erp;

import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.stripePost;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The polling fallback pages through every event since its checkpoint (types[] filtered). One event it cannot handle
 * (an invoice in CHF, a currency without a rounding rule) becomes an accounting exception holding the event, once;
 * the events after it are still handled and the checkpoint moves past it; a replay handles it again (and fails
 * again while the cause remains: 409, the exception stays open).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class PollingSetsAsideABadEventTest {

    @Inject
    PlatformWebhooks webhooks;

    @AfterEach
    void webhooksBack() {
        SandboxClient.of("stripe").noFaults();
    }

    @Test
    void aBadEventIsSetAsideAndTheRestAreHandled() throws Exception {
        SandboxClient.of("stripe").faults(Map.of("dropWebhooks", true));
        String customer = "cus_" + uniqueId("chf").replace("-", "");
        String bad = stripePost("/v1/invoices", Map.of("customer", customer, "currency", "chf")).getString("id");
        stripePost("/v1/invoiceitems", Map.of("customer", customer, "invoice", bad, "amount", "500", "currency", "chf",
                "description", "api_requests: 5.00"));
        stripePost("/v1/invoices/" + bad + "/finalize", Map.of());
        String good = deliveredAs(closedSeptember(uniqueId("poll-after-bad"), "netsuite"));

        webhooks.poll();

        awaitPosted("mb-inv-stripe-" + good);
        List<Map<String, Object>> setAside = setAside(bad);
        assertThat(setAside).hasSize(1);
        assertThat(setAside.get(0).get("source_system")).isEqualTo("stripe");
        assertThat(String.valueOf(setAside.get(0).get("reason"))).contains("invoice.finalized")
                .contains("currency CHF has no rounding rule");

        webhooks.poll();
        assertThat(setAside(bad)).as("once, and the checkpoint moved past it").hasSize(1);

        long id = ((Number) setAside.get(0).get("id")).longValue();
        finance().post("/api/v1/erp/exceptions/" + id + "/replay").then().statusCode(409)
                .body("error", org.hamcrest.Matchers.containsString("stays open, its event still fails: currency CHF"));
        assertThat(setAside(bad).get(0).get("resolved_at")).as("still open").isNull();
        finance().post("/api/v1/erp/exceptions/999999999/replay").then().statusCode(404);
    }

    /** The PLATFORM_EVENT exceptions whose event is about {@code invoice}. */
    private static List<Map<String, Object>> setAside(String invoice) {
        List<Map<String, Object>> all = finance().get("/api/v1/erp/exceptions").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.kind == 'PLATFORM_EVENT' }");
        return all.stream().filter(e -> String.valueOf(e.get("reason")).contains("of " + invoice + ")")).toList();
    }
}
