package io.meterbridge.erp.netsuite;

import java.util.ArrayList;
import java.util.HashSet;
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

import static io.meterbridge.erp.netsuite.NetSuiteTests.GATE_KEY;
import static io.meterbridge.erp.netsuite.NetSuiteTests.control;
import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.faults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.noFaults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.stats;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 24 concurrent connector calls (each answered slowly) all succeed and never exceed the account's limit: neither in
 * the hub's gate nor as seen by the sandbox's concurrency pool.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteConcurrencyGateTest {

    @Inject
    NetSuiteConnector connector;

    @Inject
    ErpCallGate gate;

    @AfterEach
    void reset() {
        noFaults();
    }

    @Test
    void concurrentCallsStayWithinTheAccountLimit() throws Exception {
        int limit = connector.settings().concurrencyLimit();
        control().contentType("application/json").body("{\"limit\":" + limit + "}").put("concurrency").then()
                .statusCode(200);
        gate.resetMax(GATE_KEY);
        long rejectedBefore = stats().get("concurrencyRejected").asLong();
        faults("{\"delayMs\":150}");

        ExecutorService callers = Executors.newFixedThreadPool(24);
        List<Future<String>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 24; i++) {
                String externalId = unique("conc" + i);
                calls.add(callers.submit(() -> connector.upsertCustomer(customer(externalId, "Concurrent " + externalId))));
            }
            HashSet<String> ids = new HashSet<>();
            for (Future<String> call : calls) {
                ids.add(call.get(60, TimeUnit.SECONDS));
            }
            assertThat(ids).hasSize(24);
        } finally {
            callers.shutdownNow();
        }

        assertThat(gate.maxInFlight(GATE_KEY)).isBetween(2, limit);
        assertThat(gate.inFlight(GATE_KEY)).isZero();
        assertThat(stats().get("maxConcurrency").asInt()).isBetween(2, limit);
        assertThat(stats().get("concurrencyRejected").asLong()).isEqualTo(rejectedBefore);
    }
}
