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
 * the hub's gate nor as seen by the sandbox's concurrency pool. A call that finds the pool busy for longer than
 * hub.erp.netsuite.permit-wait-ms fails retryable instead of waiting on: its posting's row is rescheduled.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteConcurrencyGateTest {

    @Inject
    NetSuiteConnector connector;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(connector);
    }

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

    @Test
    void aCallThatGetsNoPermitInTimeFailsRetryableWithoutARequest() throws Exception {
        int limit = connector.settings().concurrencyLimit();
        long permitWaitMs = connector.settings().permitWait().toMillis();
        // The pool's calls are answered 1.5 s after the permit wait is over (and within the 5 s endpoint timeout of the
        // test profile), so the extra call cannot get a permit in time.
        faults("{\"delayMs\":" + (permitWaitMs + 1500) + "}");
        ExecutorService callers = Executors.newFixedThreadPool(limit);
        try {
            List<Future<String>> holding = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                String externalId = unique("hold" + i);
                holding.add(callers.submit(() -> connector.upsertCustomer(customer(externalId, "Holder " + externalId))));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> gate.inFlight(GATE_KEY) == limit);
            String late = unique("late");
            long started = System.nanoTime();
            io.meterbridge.erp.ErpException busy = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> connector.upsertCustomer(customer(late, "Late Co")), io.meterbridge.erp.ErpException.class);
            long waitedMs = (System.nanoTime() - started) / 1_000_000;

            assertThat(busy.retryable()).isTrue();
            assertThat(busy.errorCode()).isEqualTo("CALL_GATE_BUSY");
            assertThat(waitedMs).isBetween(permitWaitMs - 100, permitWaitMs + 1_500);
            for (Future<String> call : holding) {
                assertThat(call.get(30, TimeUnit.SECONDS)).isNotBlank();
            }
            assertThat(NetSuiteTests.journal().findValues("path").stream().map(p -> p.asText()))
                    .noneMatch(path -> path.endsWith("eid:" + late));
        } finally {
            callers.shutdownNow();
        }
    }
}
