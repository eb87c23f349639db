package io.meterbridge.erp.bc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.COMPANY_API;
import static io.meterbridge.erp.bc.BcFixture.CONNECTOR_SECRET;
import static io.meterbridge.erp.bc.BcFixture.faults;
import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.journalText;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.noFaults;
import static io.meterbridge.erp.bc.BcFixture.raw;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * OAuth 2.0: no or an unknown bearer token is a 401 in BC's shape; the token endpoint issues tokens for client
 * credentials. The client secret and access tokens never appear in the sandbox's journal or in the hub's log, also
 * when the connector retries.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcCredentialsTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    @AfterEach
    void healthy() {
        noFaults();
    }

    @Test
    void requestsWithoutAValidBearerTokenAre401() {
        RestAssured.given().contentType("application/json").get(COMPANY_API + "/customers").then().statusCode(401)
                .body("error.code", equalTo("Authentication_InvalidCredentials"));
        raw("bcsbx.not-a-token").get(COMPANY_API + "/customers").then().statusCode(401)
                .body("error.code", equalTo("Authentication_InvalidCredentials"));
        RestAssured.given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "password")
                .formParam("client_id", "x").formParam("client_secret", "y").post(BcFixture.ROOT + "/oauth2/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        RestAssured.given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials")
                .formParam("client_id", "x").post(BcFixture.ROOT + "/oauth2/token").then().statusCode(401)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void secretAndTokensNeverReachTheJournalOrTheLog() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Logger connectorLogger = Logger.getLogger(BusinessCentralConnector.class.getName());
        Level before = connectorLogger.getLevel();
        connectorLogger.setLevel(Level.ALL);
        root.addHandler(capture);
        try {
            String customer = unique("SC");
            bc.ensureCustomer(BcCustomer.of(customer, "Secret Keeper"));
            faults("{\"rateLimitNext\":2,\"retryAfterSeconds\":1}");
            String key = unique("INV-SC-");
            untilDone(() -> bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "5", "1"))));
            faults("{\"serverErrorNext\":2}");
            BcJournalEntry entry = new BcJournalEntry(null, unique("SC"), LocalDate.of(2026, 12, 1), List.of(
                    BcJournalLine.glAccount("40100", new BigDecimal("-1"), "a"),
                    BcJournalLine.glAccount("13100", new BigDecimal("1"), "b")));
            untilDone(() -> bc.postJournal(entry));
        } finally {
            root.removeHandler(capture);
            connectorLogger.setLevel(before);
        }

        String journal = journalText();
        assertThat(journal).contains("Bearer ****").doesNotContain(CONNECTOR_SECRET).doesNotContain("raw-test-secret")
                .doesNotContain("bcsbx.").doesNotContain("client_secret");
        assertThat(logged).isNotEmpty().allSatisfy(line -> assertThat(line).doesNotContain(CONNECTOR_SECRET)
                .doesNotContain("bcsbx."));
    }

    /** Attempts the operation as its posting's row would (each failure is one failed attempt), at most 4 times. */
    private static void untilDone(Runnable attempt) {
        for (int i = 1;; i++) {
            try {
                attempt.run();
                return;
            } catch (io.meterbridge.erp.ErpException e) {
                if (!e.retryable() || i == 4) {
                    throw e;
                }
            }
        }
    }
}
