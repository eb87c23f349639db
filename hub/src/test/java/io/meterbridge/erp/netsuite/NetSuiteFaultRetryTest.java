package io.meterbridge.erp.netsuite;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.faults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.journal;
import static io.meterbridge.erp.netsuite.NetSuiteTests.noFaults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.records;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Fault switches against the connector: every request is one attempt. A 5xx, a 429 and a timeout each end the call at
 * once in a retryable ErpException (the 429's with NetSuite's Retry-After, for the posting's row to wait), with exactly
 * one request in the sandbox's journal; the caller's next attempt succeeds, and a 5xx after the effect does not
 * duplicate a create on that next attempt.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteFaultRetryTest {

    @Inject
    NetSuiteConnector connector;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(connector);
    }

    @AfterEach
    void reset() {
        noFaults();
    }

    private static long requestsFor(String externalId) throws Exception {
        long n = 0;
        for (JsonNode entry : journal()) {
            if (entry.get("path").asText().endsWith("eid:" + externalId)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aServerErrorIsOneAttemptAndTheNextAttemptSucceeds() throws Exception {
        String externalId = unique("cust");
        faults("{\"serverErrorNext\":2}");
        for (int attempt = 1; attempt <= 2; attempt++) {
            ErpException e = catchThrowableOfType(() -> connector.upsertCustomer(customer(externalId, "Flaky Co")),
                    ErpException.class);
            assertThat(e.retryable()).isTrue();
            assertThat(e.status()).isEqualTo(500);
            assertThat(requestsFor(externalId)).isEqualTo(attempt);
        }
        assertThat(connector.upsertCustomer(customer(externalId, "Flaky Co"))).isNotBlank();
        assertThat(requestsFor(externalId)).isEqualTo(3);
        assertThat(FaultRecords.count(records("customer"), externalId)).isEqualTo(1);
    }

    @Test
    void a429EndsTheCallAtOnceWithItsRetryAfter() throws Exception {
        String externalId = unique("cust");
        faults("{\"rateLimitNext\":1,\"retryAfterSeconds\":7}");
        long started = System.nanoTime();
        ErpException e = catchThrowableOfType(() -> connector.upsertCustomer(customer(externalId, "Throttled Co")),
                ErpException.class);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(elapsedMs).isLessThan(3_000); // nobody waits on the caller's thread: the row waits the 7 s
        assertThat(requestsFor(externalId)).isEqualTo(1);
    }

    @Test
    void aTimeoutIsOneAttemptAndRetryable() throws Exception {
        String externalId = unique("cust");
        // The sandbox holds the answer 8 s; the endpoint's response timeout (test profile) is 5 s.
        faults("{\"timeoutNext\":1,\"timeoutMs\":8000}");
        long started = System.nanoTime();
        ErpException e = catchThrowableOfType(() -> connector.upsertCustomer(customer(externalId, "Slow Co")),
                ErpException.class);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isZero();
        assertThat(elapsedMs).isBetween(4_000L, 7_500L);
        // The sandbox answers the held request (and frees its slot of the account's pool) only after the 8 s: wait
        // for that, so no later test finds a slot taken.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (JsonNode entry : journal()) {
                if (entry.get("path").asText().endsWith("eid:" + externalId) && "TIMEOUT".equals(entry.path("fault").asText())) {
                    return true;
                }
            }
            return false;
        });
        assertThat(connector.upsertCustomer(customer(externalId, "Slow Co"))).isNotBlank();
        assertThat(FaultRecords.count(records("customer"), externalId)).isEqualTo(1);
    }

    @Test
    void aServerErrorAfterTheEffectDoesNotDuplicateACreateOnTheNextAttempt() throws Exception {
        String customer = unique("cust");
        connector.upsertCustomer(customer(customer, "Lost Answer Co"));
        String invoice = unique("inv");
        connector.upsertInvoice(NetSuiteTests.invoice(invoice, customer, "10.00"));
        String memoExternalId = unique("cm");
        NsCreditMemo memo = new NsCreditMemo(memoExternalId, null, null, null, null, null);
        // The look-ups of the memo and of its invoice pass; the create takes effect and its answer is lost.
        faults("{\"passNext\":2,\"serverErrorNext\":1,\"faultAfterEffect\":true}");
        ErpException lost = catchThrowableOfType(() -> connector.creditMemoFromInvoice(invoice, memo),
                ErpException.class);
        assertThat(lost.retryable()).isTrue();
        assertThat(FaultRecords.count(records("creditMemo"), memoExternalId)).isEqualTo(1);

        String memoId = connector.creditMemoFromInvoice(invoice, memo);
        assertThat(memoId).isNotBlank();
        assertThat(FaultRecords.count(records("creditMemo"), memoExternalId)).isEqualTo(1);
    }

    static final class FaultRecords {
        static long count(JsonNode records, String externalId) {
            long n = 0;
            for (JsonNode r : records) {
                if (externalId.equals(r.path("externalId").asText())) {
                    n++;
                }
            }
            return n;
        }
    }
}
