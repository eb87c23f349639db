package io.meterbridge.erp.bc;

import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.faults;
import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.noFaults;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * 5xx bursts and 429s: a short burst is ridden out (reads retried, documents started over from their look-up) with one
 * invoice in the end; an outage ends in a retryable ErpException carrying the status.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcServerErrorBurstTest {

    @Inject
    BusinessCentralConnector bc;

    @AfterEach
    void healthy() {
        noFaults();
    }

    @Test
    void burstOf5xxIsRiddenOutWithOneInvoice() {
        String customer = unique("SE");
        bc.ensureCustomer(BcCustomer.of(customer, "Server Error Plc"));
        String key = unique("INV-SE-");
        faults("{\"serverErrorNext\":4,\"serverErrorStatus\":503,\"faultAfterEffect\":true}");

        BcDocument doc = bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "3", "2")));

        assertThat(doc.status()).isEqualTo("Open");
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1);
    }

    @Test
    void throttlingWithRetryAfterIsRetriedInsideTheConnector() {
        String customer = unique("TH");
        bc.ensureCustomer(BcCustomer.of(customer, "Throttled LLC"));
        String key = unique("INV-TH-");
        faults("{\"rateLimitNext\":3,\"retryAfterSeconds\":1}");

        BcDocument doc = bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "3", "2")));

        assertThat(doc.status()).isEqualTo("Open");
        assertThat(records("salesInvoices", "externalDocumentNumber", key)).hasSize(1);
    }

    @Test
    void outageEndsInARetryableException() {
        String customer = unique("OU");
        bc.ensureCustomer(BcCustomer.of(customer, "Outage GmbH"));
        faults("{\"down\":true}");

        assertThatThrownBy(() -> bc.postSalesInvoice(invoice(unique("INV-OU-"), customer, line("X", "1", "1"))))
                .isInstanceOfSatisfying(ErpException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.status()).isEqualTo(503);
                });
    }

    @Test
    void persistentThrottlingEndsInARetryableExceptionWithRetryAfter() {
        String customer = unique("PT");
        bc.ensureCustomer(BcCustomer.of(customer, "Persistently Throttled"));
        faults("{\"rateLimitNext\":1000,\"retryAfterSeconds\":1}");

        assertThatThrownBy(() -> bc.ensureCustomer(BcCustomer.of(unique("PT"), "never")))
                .isInstanceOfSatisfying(ErpException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfter()).isNotNull();
                });
    }
}
