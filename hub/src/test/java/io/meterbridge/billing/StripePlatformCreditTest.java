package io.meterbridge.billing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.meterbridge.erp.NetSuiteRecords;
import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.SandboxClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.billing.CreditLedgerTest.grant;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitPosted;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.deliveryStatus;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.BillingFixture.stripePost;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prepaid credit on a platform-rated Stripe contract (docs/architecture.md, "Prepaid credit ledger", platform rates),
 * by hand: a grant of 50.00 USD; the period's 64,000 requests reach Stripe as meter events at the close, and Stripe's
 * draft invoice of the period prices them at 0.1 cent a request: 64,000 x 0.1 = 6400 cents = 64.00. The hub draws
 * min(50.00, 64.00) = 50.00 and adds one invoice item of -5000 to the draft: the invoice totals 6400 - 5000 = 1400
 * (14.00), the balance is 0.00. NetSuite gets the relief of 50.00 (debit 2450, credit 4050) and, once Stripe finalizes
 * the draft, the invoice with the usage on item 201 (64.00) and the credit on item 205 (-50.00).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class StripePlatformCreditTest {

    @Test
    void theDraftInvoiceOfThePeriodTakesTheCreditAsOneNegativeItem() throws Exception {
        String tenant = uniqueId("pcredit");
        String customer = stripeCustomer(tenant);
        String key = contractKey(tenant);
        // The previous period ended 48 to 72 h ago: Stripe keeps its invoice a draft for the 72 h finalization grace.
        int anchor = LocalDate.now(ZoneOffset.UTC).minusDays(2).getDayOfMonth();
        contractWith(tenant, "netsuite", "stripe", customer, "PLATFORM_RATES", null, null, Map.of(),
                Map.of("anchorDay", anchor, "finalizationGrace", "PT72H", "gracePeriod", "P3D"), "api_requests");
        BillingPeriod current = BillingPeriod.monthly(Instant.now(), ZoneOffset.UTC, anchor);
        BillingPeriod previous = BillingPeriod.monthly(current.start().minusNanos(1), ZoneOffset.UTC, anchor);
        grant(key, "PO-" + tenant, "50.00", null).then().statusCode(200);

        Instant day = previous.start().plus(1, ChronoUnit.DAYS);
        send(apiRequests(tenant, day.plusSeconds(3600).toString(), 64000, "ann"));
        awaitUsage(tenant, "api_requests", previous.start().toString(), previous.end().toString(), "64000");

        // Stripe, at the end of the period: the subscription's draft invoice, its metered line following the meter.
        String invoice = SandboxClient.stripe().control().contentType("application/json").body(Map.of(
                "customer", customer, "currency", "usd", "period_start", previous.start().getEpochSecond(),
                "period_end", previous.end().getEpochSecond(), "finalization_grace_seconds", 72 * 3600,
                "lines", List.of(Map.of("event_name", "api-requests-meter", "unit_amount_decimal", "0.1",
                        "description", "api_requests: API requests", "metadata", Map.of("metric", "api_requests")))))
                .post("subscription-invoices").then().statusCode(200).extract().jsonPath().getString("id");

        JsonPath closed = close(tenant, day.toString());
        List<String> deliveries = closed.getList("deliveries");
        assertThat(deliveries).hasSize(2);
        String credit = deliveries.stream().filter(d -> d.startsWith("stripe-credit-")).findFirst().orElseThrow();
        for (String delivery : deliveries) {
            await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(deliveryStatus(delivery)));
        }

        JsonPath draft = stripeInvoice(invoice);
        assertThat(draft.getString("status")).isEqualTo("draft");
        assertThat(draft.getList("lines.data.amount", Long.class)).containsExactly(6400L, -5000L);
        assertThat(draft.getString("lines.data[1].metadata.metric")).isEqualTo("prepaid_credit");
        assertThat(draft.getString("lines.data[1].metadata.line")).isEqualTo(credit);
        assertThat(draft.getLong("total")).isEqualTo(1400L);

        JsonPath statement = finance().get("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200)
                .extract().jsonPath();
        assertThat(statement.getString("balances[0].balance")).isEqualTo("0.00");
        assertThat(statement.getList("draws.amount")).containsExactly("50.00");
        assertThat(statement.getList("draws.period_start")).containsExactly(previous.start().toString());

        String relief = "mb-crel-" + key + "-" + PeriodCloseService.DAY.format(previous.start().atZone(ZoneOffset.UTC));
        awaitPosted(relief);
        JsonPath journal = NetSuiteRecords.journal(relief);
        assertThat(new BigDecimal(journal.getString("line.items.find { it.account.id == '2450' }.debit")))
                .isEqualByComparingTo("50.00");
        assertThat(new BigDecimal(journal.getString("line.items.find { it.account.id == '4050' }.credit")))
                .isEqualByComparingTo("50.00");

        // Stripe finalizes the draft at the end of its grace: the ERP invoice has the usage and the credit line.
        stripePost("/v1/invoices/" + invoice + "/finalize", Map.of());
        String posting = "mb-inv-stripe-" + invoice;
        awaitPosted(posting);
        JsonPath erpInvoice = NetSuiteRecords.record("invoice", posting);
        assertThat(new BigDecimal(erpInvoice.getString("item.items.find { it.item.id == '201' }.amount")))
                .isEqualByComparingTo("64.00");
        assertThat(new BigDecimal(erpInvoice.getString("item.items.find { it.item.id == '205' }.amount")))
                .isEqualByComparingTo("-50.00");
    }

    private static JsonPath stripeInvoice(String id) {
        return RestAssured.given().auth().oauth2("sk_test_meterbridge_sandbox").get("/sandbox/stripe/v1/invoices/" + id)
                .then().statusCode(200).extract().jsonPath();
    }
}
