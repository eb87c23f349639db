package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The closed periods of one contract form one chain without gaps (docs/architecture.md, "Contract validity and
 * versions"). A contract valid from 2026-03-01 with api-requests-2026-v1 (minimum 50.00) and no usage: each month
 * bills the 50.00 true-up. A manual close of May with March and April open closes March, April, then May, each audited;
 * the scheduler of a contract never closed starts with its first period; the database refuses a row that leaves a gap.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ClosedPeriodChainTest {

    private static final String MARCH = "2026-03-01T00:00:00Z", APRIL = "2026-04-01T00:00:00Z",
            MAY = "2026-05-01T00:00:00Z", JUNE = "2026-06-01T00:00:00Z", JULY = "2026-07-01T00:00:00Z";

    @Inject
    PeriodCloseService periodClose;

    @Inject
    DataSource dataSource;

    private static String contractFromMarch(String prefix) {
        String tenant = uniqueId(prefix);
        customer(tenant);
        version(tenant, MARCH, null, null, List.of(term("api_requests", "api-requests-2026-v1", Map.of()))).then()
                .statusCode(200);
        return tenant;
    }

    @Test
    void aManualCloseOfMayClosesTheOpenMarchAndAprilFirstInOrderEachAudited() {
        String tenant = contractFromMarch("chain-manual");
        String key = contractKey(tenant);

        JsonPath may = close(tenant, "2026-05-10T00:00:00Z");

        assertThat(may.getString("periodStart")).isEqualTo(MAY);
        assertThat(may.getString("periodEnd")).isEqualTo(JUNE);
        assertThat(new BigDecimal(may.getString("total"))).isEqualByComparingTo("50.00");
        assertThat(may.getList("closedBefore.periodStart")).containsExactly(MARCH, APRIL);
        assertThat(may.getList("closedBefore.periodEnd")).containsExactly(APRIL, MAY);
        assertThat(may.getList("closedBefore.total", String.class)).allSatisfy(t ->
                assertThat(new BigDecimal(t)).isEqualByComparingTo("50.00"));
        // One chain: each closed period starts where the one before ended, closed by the person who asked.
        JsonPath periods = finance().queryParam("contractKey", key).get("/api/v1/billing/periods").then()
                .statusCode(200).extract().jsonPath();
        assertThat(periods.getList("period_start")).containsExactly(MAY, APRIL, MARCH);
        assertThat(periods.getList("period_end")).containsExactly(JUNE, MAY, APRIL);
        assertThat(periods.getList("closed_by")).containsOnly("finance");
        for (String start : List.of(MARCH, APRIL, MAY)) {
            JsonPath audit = RestAssured.given().auth().preemptive().basic("finance", "finance-secret")
                    .queryParams(Map.of("objectType", "period", "objectKey", key + "@" + start)).get("/api/v1/audit")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(audit.getList("events.action")).as(start).containsExactly("period.close");
            assertThat(audit.getString("events[0].person")).isEqualTo("finance");
        }

        // Asked again: May is returned as it is, nothing else is closed.
        JsonPath again = close(tenant, "2026-05-20T00:00:00Z");
        assertThat(again.getBoolean("created")).isFalse();
        assertThat(again.getList("closedBefore")).isEmpty();
    }

    @Test
    void theSchedulerOfAContractNeverClosedStartsWithItsFirstPeriod() {
        String tenant = contractFromMarch("chain-scheduler");
        // On 10 July (grace P3D) March to June are due; July is not over.
        List<PeriodCloseService.Closed> closed = periodClose.closeDueOf(contractKey(tenant),
                Instant.parse("2026-07-10T00:00:00Z"));
        assertThat(closed).extracting(c -> c.periodStart().toString()).containsExactly(MARCH, APRIL, MAY, JUNE);
        assertThat(closed).allSatisfy(c -> assertThat(c.total()).isEqualByComparingTo("50.00"));
        assertThat(periodClose.closeDueOf(contractKey(tenant), Instant.parse("2026-07-10T00:00:00Z"))).isEmpty();
    }

    @Test
    void theDatabaseRefusesAClosedPeriodThatLeavesAGap() throws SQLException {
        String tenant = contractFromMarch("chain-gap");
        String key = contractKey(tenant);
        long contractId = contractId(key);

        // Nothing closed yet: April is not the contract's first period.
        assertThatThrownBy(() -> insertClose(key, contractId, APRIL, MAY)).isInstanceOf(SQLException.class)
                .hasMessageContaining("closed period [2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z) of contract "
                        + key + " leaves a gap: the contract is valid from 2026-03-01T00:00:00Z and no earlier period "
                        + "is closed");

        close(tenant, "2026-03-10T00:00:00Z");
        // March closed, April open: May would leave April unclosed.
        assertThatThrownBy(() -> insertClose(key, contractId, MAY, JUNE)).isInstanceOf(SQLException.class)
                .hasMessageContaining("closed period [2026-05-01T00:00:00Z, 2026-06-01T00:00:00Z) of contract "
                        + key + " leaves a gap: the latest earlier closed period ends at 2026-04-01T00:00:00Z");
        // The next link of the chain is accepted (and rolled back: the service writes the real ones).
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            insertClose(connection, key, contractId, APRIL, MAY);
            insertClose(connection, key, contractId, MAY, JUNE);
            insertClose(connection, key, contractId, JUNE, JULY);
            connection.rollback();
        }
    }

    private long contractId(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM contract WHERE contract_key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getLong(1);
            }
        }
    }

    private void insertClose(String key, long contractId, String start, String end) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            insertClose(connection, key, contractId, start, end);
        }
    }

    private static void insertClose(Connection connection, String key, long contractId, String start, String end)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO period_close (contract_key, period_start, period_end, contract_id, billing_system,
                  billing_mode, closed_by) VALUES (?, ?, ?, ?, 'stripe', 'HUB_RATES', 'test')""")) {
            insert.setString(1, key);
            insert.setTimestamp(2, Timestamp.from(Instant.parse(start)));
            insert.setTimestamp(3, Timestamp.from(Instant.parse(end)));
            insert.setLong(4, contractId);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }
}
