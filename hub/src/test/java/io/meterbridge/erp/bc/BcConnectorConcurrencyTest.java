package io.meterbridge.erp.bc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.CONNECTOR_CLIENT;
import static io.meterbridge.erp.bc.BcFixture.faults;
import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.noFaults;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.stats;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 24 callers post invoices at once through the one connector: the shared gate keeps BC's 5 concurrent requests per user
 * (the sandbox never sees more, so it never answers 429 for concurrency) and every invoice is posted.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcConnectorConcurrencyTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @Inject
    ErpCallGate gate;

    @AfterEach
    void healthy() {
        noFaults();
    }

    @Test
    void manyCallersNeverExceedTheLimitAndAllSucceed() throws Exception {
        String customer = unique("CC");
        bc.ensureCustomer(BcCustomer.of(customer, "Concurrent Callers SE"));
        long rejectedBefore = stats().path("concurrencyRejected").asLong();
        faults("{\"delayMs\":60}"); // each request takes a while, so the callers really overlap
        ExecutorService pool = Executors.newFixedThreadPool(24);
        List<Future<BcDocument>> results = new ArrayList<>();
        String prefix = unique("INV-CC-");
        try {
            for (int i = 0; i < 24; i++) {
                String key = prefix + "-" + i;
                results.add(pool.submit(() -> bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "10", "1")))));
            }
            for (Future<BcDocument> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS).status()).isEqualTo("Open");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(records("salesInvoices", "customerNumber", customer)).hasSize(24)
                .allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("Open"));
        int sandboxMax = stats().path("maxConcurrencyByUser").path(CONNECTOR_CLIENT).asInt();
        assertThat(sandboxMax).isBetween(2, 5); // overlapping, never beyond BC's limit
        assertThat(gate.maxInFlight(bc.account())).isBetween(2, 5);
        assertThat(gate.inFlight(bc.account())).isZero();
        assertThat(stats().path("concurrencyRejected").asLong()).isEqualTo(rejectedBefore);
    }
}
