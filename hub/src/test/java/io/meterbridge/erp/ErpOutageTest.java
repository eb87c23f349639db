package io.meterbridge.erp;

import io.meterbridge.support.SandboxClient;
import java.time.Duration;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.closedSeptember;
import static io.meterbridge.support.BillingFixture.deliveredAs;
import static io.meterbridge.support.BillingFixture.postingStatus;
import static io.meterbridge.support.MasterDataFixture.finance;
import static io.meterbridge.support.BillingFixture.sandbox;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * NetSuite down for a while: postings are re-attempted as their rows schedule it, the invoice waits for its accrual;
 * after recovery the accrual, the invoice and the reversal each post exactly once, and NetSuite never saw more
 * concurrent calls than its account's limit.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ErpOutageTest {

    @AfterEach
    void netSuiteBack() {
        SandboxClient.of("netsuite").noFaults();
    }

    private static long refused() {
        return SandboxClient.netSuite().stats().path("faultsInjected").asLong();
    }

    @Test
    void afterAnOutageEveryDocumentPostsOnceWithinTheConcurrencyLimit() {
        String[] tenants = {uniqueId("outage"), uniqueId("outage"), uniqueId("outage")};
        long before = refused();
        SandboxClient.of("netsuite").faults(Map.of("down", true));
        String[] invoices = new String[tenants.length];
        for (int i = 0; i < tenants.length; i++) {
            invoices[i] = deliveredAs(closedSeptember(tenants[i], "netsuite"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> refused() > before);
        SandboxClient.of("netsuite").noFaults();
        for (int i = 0; i < tenants.length; i++) {
            String accrual = "mb-accr-contract-" + tenants[i] + "-20260901";
            awaitPosted(accrual);
            awaitPosted("mb-inv-stripe-" + invoices[i]);
            awaitPosted(accrual.replace("mb-accr-", "mb-accrrev-"));
            assertThat(SandboxClient.netSuite().recordsJson("journalEntry").getList("findAll { it.externalId == '" + accrual + "' }")).hasSize(1);
            assertThat(SandboxClient.netSuite().recordsJson("invoice").getList("findAll { it.externalId == 'mb-inv-stripe-" + invoices[i] + "' }"))
                    .hasSize(1);
        }
        int limit = 5;
        assertThat(sandbox().get("/sandbox/netsuite/_sandbox/stats").then().extract().jsonPath().getInt("maxConcurrency"))
                .isLessThanOrEqualTo(limit);
    }

    @Test
    void anOutageLongerThanTheRetriesFailsTheAccrualAndItsRetryReleasesTheWaitingInvoice() {
        String tenant = uniqueId("long-outage");
        String accrual = "mb-accr-contract-" + tenant + "-20260901";
        SandboxClient.of("netsuite").faults(Map.of("down", true));
        String invoice = deliveredAs(closedSeptember(tenant, "netsuite"));
        String posting = "mb-inv-stripe-" + invoice;
        // The accrual gives up after its attempts against a NetSuite that is down; the invoice is never attempted: it
        // waits for the accrual (ledger order is a state of its row, not a retried failure).
        await().atMost(Duration.ofSeconds(90)).until(() -> "FAILED".equals(postingStatus(accrual))
                && "WAITING".equals(postingStatus(posting)));
        assertThat(finance().get("/api/v1/erp/postings?status=WAITING").then().statusCode(200).extract().jsonPath()
                .getInt("find { it.id == '" + posting + "' }.attempts")).isZero();
        SandboxClient.of("netsuite").noFaults();
        finance().post("/api/v1/erp/postings/" + accrual + "/retry").then().statusCode(200);
        awaitPosted(accrual);
        awaitPosted(posting); // due once the accrual posted, no second retry needed
        assertThat(SandboxClient.netSuite().recordsJson("invoice").getList("findAll { it.externalId == '" + posting + "' }")).hasSize(1);
        finance().post("/api/v1/erp/postings/" + accrual + "/retry").then().statusCode(404);
    }
}
