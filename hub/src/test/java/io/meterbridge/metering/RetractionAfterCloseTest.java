package io.meterbridge.metering;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Adjustments.awaitQuantity;
import static io.meterbridge.support.Adjustments.retraction;
import static io.meterbridge.support.BillingFixture.apiRequests;
import static io.meterbridge.support.BillingFixture.charges;
import static io.meterbridge.support.BillingFixture.contractKey;
import static io.meterbridge.support.BillingFixture.contractWith;
import static io.meterbridge.support.BillingFixture.send;
import static io.meterbridge.support.BillingFixture.stripeCustomer;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.finance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retraction for a closed period is late usage of that period, like LateAfterCloseTest's late event. By hand: last
 * month, 3 x 100 = 300 requests; closed by hand (300 x 0.0010 = 0.30, trued up to the 50.00 minimum: 50.00). The
 * retraction of one then shows the period at 200 with one late event, and its metered row is a late line of -100 in
 * that period, for the late-usage policy to bill as a delta; the close still shows 300.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class RetractionAfterCloseTest {

    @Inject
    DataSource dataSource;

    @Test
    void aRetractionOfAClosedPeriodIsALateLineOfMinusTheOriginal() throws Exception {
        String tenant = uniqueId("retract-late");
        String key = contractKey(tenant);
        // A 60-day grace: last month is late by no rule but its close.
        contractWith(tenant, "netsuite", "stripe", stripeCustomer(tenant), "HUB_RATES", null, null, Map.of(),
                Map.of("gracePeriod", "P60D"), "api_requests");
        ZonedDateTime thisMonth = Instant.now().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        String from = thisMonth.minusMonths(1).toInstant().toString(), to = thisMonth.toInstant().toString();
        String time = thisMonth.minusHours(2).toInstant().toString();
        ObjectNode first = apiRequests(tenant, time, 100, "u1");
        send(first, apiRequests(tenant, time, 100, "u2"), apiRequests(tenant, time, 100, "u3"));
        awaitQuantity(tenant, "api_requests", from, to, "300");

        JsonPath closed = finance().contentType(ContentType.JSON).body(Map.of("contractKey", key, "at", from))
                .post("/api/v1/billing/periods/close").then().statusCode(200).extract().jsonPath();
        assertThat(new BigDecimal(closed.getString("total"))).isEqualByComparingTo("50.00");

        ObjectNode retraction = retraction(first);
        send(retraction);
        JsonPath after = awaitQuantity(tenant, "api_requests", from, to, "200");
        assertThat(after.getLong("windows[0].events")).isEqualTo(2);
        assertThat(after.getLong("windows[0].lateEvents")).isEqualTo(1);

        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT quantity, late, adjustment, adjusts, bucket_start FROM metered_event
                WHERE source = ? AND event_id = ?""")) {
            select.setString(1, retraction.path("source").asText());
            select.setString(2, retraction.path("id").asText());
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getBigDecimal(1)).isEqualByComparingTo("-100");
                assertThat(rows.getBoolean(2)).as("late").isTrue();
                assertThat(rows.getString(3)).isEqualTo("RETRACT");
                assertThat(rows.getString(4)).isEqualTo(first.path("id").asText());
                assertThat(rows.getTimestamp(5).toInstant()).isEqualTo(Instant.parse(time));
                assertThat(rows.next()).as("one metric, one row").isFalse();
            }
        }
        JsonPath charges = charges(closed.getLong("closeId"));
        assertThat(new BigDecimal(charges.getString("charges.find { it.line_type == 'USAGE' }.usage_quantity")))
                .isEqualByComparingTo("300");
    }
}
