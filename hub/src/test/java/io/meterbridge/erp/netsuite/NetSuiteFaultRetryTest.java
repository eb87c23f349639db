package io.meterbridge.erp.netsuite;

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
 * Fault switches: a short 5xx burst and a 429 are absorbed by the connector's retries (Retry-After honoured); a long
 * burst ends in a retryable ErpException for the caller's redelivery; a 5xx after the effect does not duplicate.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteFaultRetryTest {

    @Inject
    NetSuiteConnector connector;

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
    void aShortServerErrorBurstIsRetried() throws Exception {
        String externalId = unique("cust");
        faults("{\"serverErrorNext\":2}");
        assertThat(connector.upsertCustomer(customer(externalId, "Flaky Co"))).isNotBlank();
        assertThat(requestsFor(externalId)).isEqualTo(3);
    }

    @Test
    void a429IsRetriedAfterRetryAfter() throws Exception {
        faults("{\"rateLimitNext\":1,\"retryAfterSeconds\":1}");
        long started = System.nanoTime();
        assertThat(connector.upsertCustomer(customer(unique("cust"), "Throttled Co"))).isNotBlank();
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(900);
    }

    @Test
    void aLongBurstEndsRetryable() throws Exception {
        String externalId = unique("cust");
        faults("{\"serverErrorNext\":50}");
        ErpException e = catchThrowableOfType(() -> connector.upsertCustomer(customer(externalId, "Down Co")),
                ErpException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isEqualTo(500);
        assertThat(requestsFor(externalId)).isEqualTo(connector.settings().maxRetries() + 1);
    }

    @Test
    void aServerErrorAfterTheEffectDoesNotDuplicateACreate() throws Exception {
        String customer = unique("cust");
        connector.upsertCustomer(customer(customer, "Lost Answer Co"));
        String invoice = unique("inv");
        connector.upsertInvoice(NetSuiteTests.invoice(invoice, customer, "10.00"));
        String memoExternalId = unique("cm");
        faults("{\"serverErrorNext\":1,\"faultAfterEffect\":true}");
        String memoId = connector.creditMemoFromInvoice(invoice, new NsCreditMemo(memoExternalId, null, null, null,
                null, null));
        assertThat(memoId).isNotBlank();
        assertThat(DocumentsOf.count(records("creditMemo"), memoExternalId)).isEqualTo(1);
    }

    static final class DocumentsOf {
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
