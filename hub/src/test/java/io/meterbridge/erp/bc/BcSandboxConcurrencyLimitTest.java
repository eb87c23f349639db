package io.meterbridge.erp.bc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.COMPANY_API;
import static io.meterbridge.erp.bc.BcFixture.faults;
import static io.meterbridge.erp.bc.BcFixture.noFaults;
import static io.meterbridge.erp.bc.BcFixture.raw;
import static io.meterbridge.erp.bc.BcFixture.stats;
import static io.meterbridge.erp.bc.BcFixture.token;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox enforces BC's 5 concurrent requests per user by itself: 10 raw requests at once from one user get at
 * most 5 answers and 429s with Retry-After and Application_TooManyRequests; it records the concurrency it saw.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcSandboxConcurrencyLimitTest {

    @AfterEach
    void healthy() {
        noFaults();
    }

    @Test
    void beyondFiveConcurrentRequestsOfOneUserAre429() throws Exception {
        String client = unique("client-burst-");
        String token = token(client);
        faults("{\"delayMs\":1500}");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return raw(token).get(COMPANY_API + "/customers");
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : answers) {
                responses.add(f.get(60, TimeUnit.SECONDS));
            }
            List<Response> refused = responses.stream().filter(r -> r.statusCode() == 429).toList();
            assertThat(responses.stream().filter(r -> r.statusCode() == 200)).hasSizeLessThanOrEqualTo(5);
            assertThat(refused).isNotEmpty().allSatisfy(r -> {
                assertThat(r.header("Retry-After")).isNotBlank();
                assertThat(r.jsonPath().getString("error.code")).isEqualTo("Application_TooManyRequests");
                assertThat(r.jsonPath().getString("error.message")).isNotBlank();
            });
        } finally {
            pool.shutdownNow();
        }
        assertThat(stats().path("maxConcurrencyByUser").path(client).asInt()).isGreaterThan(5);
        assertThat(stats().path("maxConcurrency").asInt()).isGreaterThan(5);
        assertThat(stats().path("concurrencyRejected").asLong()).isPositive();
    }
}
