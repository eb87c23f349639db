package io.meterbridge.erp.netsuite;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.RECORDS;
import static io.meterbridge.erp.netsuite.NetSuiteTests.control;
import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.faults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.json;
import static io.meterbridge.erp.netsuite.NetSuiteTests.noFaults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.raw;
import static io.meterbridge.erp.netsuite.NetSuiteTests.signer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.stats;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** Raw parallel requests beyond the account's pool are refused with NetSuite's 429 CONCURRENCY_LIMIT_EXCEEDED. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteSandboxConcurrencyLimitTest {

    @Inject
    NetSuiteConnector connector;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(connector);
    }

    @AfterEach
    void reset() {
        noFaults();
        control().contentType("application/json").body("{}").put("concurrency").then().statusCode(200);
    }

    @Test
    void requestsBeyondThePoolGet429() throws Exception {
        String id = connector.upsertCustomer(customer(unique("cust"), "Pool Co"));
        control().contentType("application/json").body("{\"limit\":3}").put("concurrency").then().statusCode(200);
        faults("{\"delayMs\":400}");

        int parallel = 12;
        ExecutorService clients = Executors.newFixedThreadPool(parallel);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < parallel; i++) {
                answers.add(clients.submit(() -> {
                    start.await();
                    return raw("GET", RECORDS + "/customer/" + id, null, signer());
                }));
            }
            start.countDown();
            int ok = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertThat(r.statusCode()).isEqualTo(429);
                    JsonNode body = json(r.body());
                    assertThat(body.get("status").asInt()).isEqualTo(429);
                    assertThat(body.at("/o:errorDetails/0/o:errorCode").asText()).isEqualTo("CONCURRENCY_LIMIT_EXCEEDED");
                    assertThat(body.at("/o:errorDetails/0/detail").asText()).contains("Request limit exceeded");
                    refused++;
                }
            }
            assertThat(ok).isBetween(3, parallel - 1);
            assertThat(refused).isPositive();
        } finally {
            clients.shutdownNow();
        }
        assertThat(stats().get("maxConcurrency").asInt()).isGreaterThan(3);
    }
}
