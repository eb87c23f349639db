package io.meterbridge.billing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.rating.PriceBooks;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.ContractVersions.customer;
import static io.meterbridge.support.ContractVersions.term;
import static io.meterbridge.support.ContractVersions.version;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

/**
 * What was billed stays as billed (docs/architecture.md, "Contract validity and versions"): a contract version whose
 * terms priced a closed period cannot be corrected, a new version cannot take effect inside or before a closed period,
 * a price version that billed a closed period cannot change in the price books (the start-up check refuses), and the
 * database refuses closed periods of one contract that overlap.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BilledVersionCorrectionTest {

    @Inject
    BilledPriceVersions billedPrices;

    @Inject
    DataSource dataSource;

    private static final List<Map<String, Object>> V1 = List.of(term("api_requests", "api-requests-2026-v1", Map.of()));

    @Test
    void aVersionWhosePeriodsAreClosedIsNotCorrected() {
        String tenant = uniqueId("billed");
        customer(tenant);
        // From August: the period it closes is its first (a close of a later period closes the earlier ones first).
        version(tenant, "2026-08-01T00:00:00Z", null, null, V1).then().statusCode(200);
        JsonPath august = close(tenant, "2026-08-10T00:00:00Z");
        String closed = "[2026-08-01T00:00:00Z, 2026-09-01T00:00:00Z) (close " + august.getLong("closeId") + ")";

        version(tenant, "2026-08-01T00:00:00Z", null, "75.00", V1).then().statusCode(400)
                .body("error", allOf(containsString("version " + contractKey(tenant) + "@2026-08-01T00:00:00Z"),
                        containsString("closed period " + closed), containsString("cannot be corrected")));
        version(tenant, "2026-08-15T00:00:00Z", null, "75.00", V1).then().statusCode(400)
                .body("error", containsString("would change the closed period " + closed));
        version(tenant, "2026-08-01T00:00:00Z", "2026-08-20T00:00:00Z", null, V1).then().statusCode(400)
                .body("error", containsString("cannot end at 2026-08-20T00:00:00Z, inside or before the closed period "
                        + closed));
        // Re-sending the version as billed changes nothing; a change from the end of the closed period is a new version.
        version(tenant, "2026-08-01T00:00:00Z", null, null, V1).then().statusCode(200);
        version(tenant, "2026-09-01T00:00:00Z", null, "75.00", V1).then().statusCode(200);
    }

    @Test
    void aPriceVersionThatBilledAClosedPeriodCannotChange(@TempDir Path books) throws Exception {
        String tenant = uniqueId("billedprice");
        customer(tenant);
        version(tenant, "2026-01-01T00:00:00Z", null, null, V1).then().statusCode(200);
        long closeId = close(tenant, "2026-07-10T00:00:00Z").getLong("closeId");
        billedPrices.verify(PriceBooks.load(List.of(Path.of("../mappings/price-books"), Path.of("../devrun/demo/price-books"),
                Path.of("src/test/resources/price-books")), Path.of("../mappings/_schemas")));

        // The same books with one price of api-requests-2026-v1 corrected in place.
        Files.writeString(books.resolve("currencies.yaml"), Files.readString(Path.of("../mappings/price-books/currencies.yaml")));
        Files.writeString(books.resolve("demo-2026.yaml"), Files.readString(Path.of("../devrun/demo/price-books/demo-2026.yaml"))
                .replace("{upTo: 100000, unitPrice: 0.0010}", "{upTo: 100000, unitPrice: 0.0011}"));
        PriceBooks corrected = PriceBooks.load(List.of(books), Path.of("../mappings/_schemas"));
        assertThatThrownBy(() -> billedPrices.verify(corrected)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("price version 'api-requests-2026-v1' differs from the definition it billed")
                .hasMessageContaining("a billed price version is never corrected")
                .hasMessageMatching("(?s).*closed period \\[.*\\) of contract .* \\(close \\d+\\).*");
        assertThat(closeId).isPositive();
    }

    @Test
    void theDatabaseRefusesOverlappingClosedPeriodsOfOneContract() throws SQLException {
        String tenant = uniqueId("overlap");
        customer(tenant);
        version(tenant, "2026-01-01T00:00:00Z", null, null, V1).then().statusCode(200);
        close(tenant, "2026-08-10T00:00:00Z");
        long contractId;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT contract_id FROM period_close WHERE contract_key = ?")) {
            select.setString(1, contractKey(tenant));
            var rows = select.executeQuery();
            rows.next();
            contractId = rows.getLong(1);
        }
        assertThatThrownBy(() -> insertClose(tenant, contractId, "2026-08-15T00:00:00Z", "2026-09-15T00:00:00Z"))
                .isInstanceOf(SQLException.class).hasMessageContaining("period_close_no_overlap");
        // Adjacent periods touch without overlapping ([a, b) and [b, c)).
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            insertClose(connection, tenant, contractId, "2026-09-01T00:00:00Z", "2026-10-01T00:00:00Z");
            connection.rollback();
        }
    }

    private void insertClose(String tenant, long contractId, String start, String end) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            insertClose(connection, tenant, contractId, start, end);
        }
    }

    private static void insertClose(Connection connection, String tenant, long contractId, String start, String end)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO period_close (contract_key, period_start, period_end, contract_id, billing_system,
                  billing_mode, closed_by) VALUES (?, ?, ?, ?, 'stripe', 'HUB_RATES', 'test')""")) {
            insert.setString(1, contractKey(tenant));
            insert.setTimestamp(2, Timestamp.from(Instant.parse(start)));
            insert.setTimestamp(3, Timestamp.from(Instant.parse(end)));
            insert.setLong(4, contractId);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }
}
