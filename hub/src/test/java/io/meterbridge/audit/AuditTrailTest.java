package io.meterbridge.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.awaitUsage;
import static io.meterbridge.support.BillingFixture.close;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit trail: a credit grant, a manual close and a contract change are recorded with the person, their roles,
 * the object and before/after; GET /api/v1/audit filters by object, person and time and pages; finance, approver and
 * admin read it, nobody else; and the table refuses UPDATE and DELETE, whoever connects.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AuditTrailTest {

    @Inject
    DataSource dataSource;

    @Test
    void grantsClosesAndContractChangesAreAuditedWithPersonRolesAndBeforeAfter() {
        String tenant = uniqueId("audit");
        String key = contractKey(tenant);
        String started = java.time.Instant.now().minusSeconds(1).toString();
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(),
                Map.of("validFrom", "2026-02-01T00:00:00Z"), "api_requests");
        finance().contentType(ContentType.JSON).body(Map.of("reference", "PO-" + tenant, "amount", "25.00",
                "currency", "USD", "startsAt", "2026-01-01T00:00:00Z"))
                .post("/api/v1/admin/contracts/" + key + "/credits").then().statusCode(200);
        send(apiRequests(tenant, "2026-02-10T10:00:00Z", 60000, "cy"));
        awaitUsage(tenant, "api_requests", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "60000");
        close(tenant, "2026-02-15T00:00:00Z");

        JsonPath grants = audit(Map.of("objectType", "contract", "objectKey", key, "person", "finance"));
        assertThat(grants.getList("events.action")).containsExactly("credit.grant");
        assertThat(grants.getString("events[0].person")).isEqualTo("finance");
        assertThat(grants.getList("events[0].roles")).containsExactly("finance");
        assertThat(grants.getString("events[0].after.amount")).isEqualTo("25.00");
        assertThat(grants.getString("events[0].after.currency")).isEqualTo("USD");
        assertThat(grants.getString("events[0].before")).isNull();

        JsonPath changes = audit(Map.of("objectType", "contract", "objectKey", key, "person", "admin"));
        assertThat(changes.getList("events.action")).containsExactly("masterdata.contract");
        assertThat(changes.getList("events[0].roles")).containsExactlyInAnyOrder("admin", "finance");

        JsonPath closes = audit(Map.of("objectType", "period", "objectKey", key + "@2026-02-01T00:00:00Z"));
        assertThat(closes.getList("events.action")).containsExactly("period.close");
        assertThat(closes.getString("events[0].after.total")).isEqualTo("35.00"); // 60.00 - 25.00 of credit

        // Time filter and paging: everything of this test since it started, one event per page.
        JsonPath first = audit(Map.of("objectType", "contract", "objectKey", key, "from", started, "limit", "1"));
        assertThat(first.getList("events")).hasSize(1);
        assertThat(first.getString("events[0].action")).isEqualTo("credit.grant"); // latest first
        JsonPath second = audit(Map.of("objectType", "contract", "objectKey", key, "from", started, "limit", "1",
                "beforeId", first.getString("next_before_id")));
        assertThat(second.getList("events.action")).containsExactly("masterdata.contract");
        assertThat(second.getString("next_before_id")).isNull();
        assertThat(audit(Map.of("objectType", "contract", "objectKey", key, "to", started)).getList("events")).isEmpty();
    }

    @Test
    void onlyFinanceApproversAndAdminsReadTheTrail() {
        as("finance", "finance-secret").get("/api/v1/audit").then().statusCode(200);
        as("amara", "amara-secret").get("/api/v1/audit").then().statusCode(200);
        as("admin", "admin-secret").get("/api/v1/audit").then().statusCode(200);
        as("vera", "vera-secret").get("/api/v1/audit").then().statusCode(403);
        as("otto", "otto-secret").get("/api/v1/audit").then().statusCode(403);
        RestAssured.given().get("/api/v1/audit").then().statusCode(401);
        as("finance", "finance-secret").queryParam("from", "yesterday").get("/api/v1/audit").then().statusCode(400);
    }

    @Test
    void theTableRefusesUpdateAndDelete() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO audit_event (person, roles, action, object_type, object_key)
                    VALUES ('test', '{admin}', 'test.append', 'test', ?)""")) {
                insert.setString(1, uniqueId("row"));
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            for (String sql : List.of("UPDATE audit_event SET person = 'someone else'", "DELETE FROM audit_event",
                    "TRUNCATE audit_event")) {
                assertThatThrownBy(() -> {
                    try (PreparedStatement statement = connection.prepareStatement(sql)) {
                        statement.executeUpdate();
                    }
                }).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            }
        }
    }

    private static JsonPath audit(Map<String, String> query) {
        return as("finance", "finance-secret").queryParams(query).get("/api/v1/audit").then().statusCode(200).extract()
                .jsonPath();
    }

    private static io.restassured.specification.RequestSpecification as(String user, String password) {
        return RestAssured.given().auth().preemptive().basic(user, password);
    }
}
