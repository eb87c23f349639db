package io.meterbridge.metering;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static io.meterbridge.support.MasterDataFixture.contract;
import static io.meterbridge.support.MasterDataFixture.customer;
import static io.meterbridge.support.MasterDataFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Effective-dated enrichment: attribution as of the event's time, split at a mid-month crosswalk change. */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class AttributionTest {

    private static final String FROM = "2026-10-01T00:00:00Z", TO = "2026-12-01T00:00:00Z";

    private static ObjectNode api(String tenant, String time, int count) {
        ObjectNode event = apiRequest(uniqueId("attr"), count, "u");
        event.put("subject", tenant);
        event.put("time", time);
        return event;
    }

    private static JsonPath usageOf(String account, long events) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> usage("customer", account, "api_requests", FROM, TO, "DAY").then().statusCode(200).extract().jsonPath(),
                json -> json.getList("windows.events", Number.class).stream().mapToLong(Number::longValue).sum() == events);
    }

    @Test
    void aMidMonthCrosswalkChangeSplitsAttributionAndALateEventUsesTheOldMapping() {
        String tenant = uniqueId("moving");
        String oldAccount = "cus_old_" + tenant, newAccount = "cus_new_" + tenant;
        customer(tenant, oldAccount, "2026-01-01T00:00:00Z");
        contract("old-" + tenant, oldAccount, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");
        contract("new-" + tenant, newAccount, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");

        post(batch(api(tenant, "2026-11-10T12:00:00Z", 5)), BATCH).then().statusCode(202);
        usageOf(oldAccount, 1);

        // The tenant moves to another billing account from the 15th.
        customer(tenant, newAccount, "2026-11-15T00:00:00Z");
        post(batch(api(tenant, "2026-11-14T23:59:59Z", 7), api(tenant, "2026-11-15T00:00:00Z", 11),
                api(tenant, "2026-11-20T08:00:00Z", 13)), BATCH).then().statusCode(202);
        // A late event, sent after the change, for a time before it; and one from October, whose period closed.
        post(batch(api(tenant, "2026-11-05T09:00:00Z", 17), api(tenant, "2026-10-20T09:00:00Z", 19)), BATCH)
                .then().statusCode(202);

        JsonPath old = usageOf(oldAccount, 4);
        assertThat(old.getList("windows.start", String.class)).containsExactly("2026-10-20T00:00:00Z",
                "2026-11-05T00:00:00Z", "2026-11-10T00:00:00Z", "2026-11-14T00:00:00Z");
        assertThat(old.getList("windows.quantity", Integer.class)).containsExactly(19, 17, 5, 7);
        // Late = metered after its billing period (UTC months here) plus the 3-day grace period had ended.
        assertThat(old.getList("windows.lateEvents", Integer.class)).containsExactly(
                lateIfMeteredNow("2026-11-04T00:00:00Z"), lateIfMeteredNow("2026-12-04T00:00:00Z"),
                lateIfMeteredNow("2026-12-04T00:00:00Z"), lateIfMeteredNow("2026-12-04T00:00:00Z"));
        assertThat(old.getList("windows.contract", String.class)).containsOnly("old-" + tenant);

        JsonPath moved = usageOf(newAccount, 2);
        assertThat(moved.getList("windows.start", String.class)).containsExactly("2026-11-15T00:00:00Z", "2026-11-20T00:00:00Z");
        assertThat(moved.getList("windows.quantity", Integer.class)).containsExactly(11, 13);

        // The crosswalk now has two versions, the first closed at the change; both changes are audited.
        JsonPath versions = admin().queryParam("tenant", tenant).get("/api/v1/admin/customers").then().statusCode(200)
                .extract().jsonPath();
        assertThat(versions.getList("billing_account_id", String.class)).containsExactly(oldAccount, newAccount);
        assertThat(versions.getString("[0].valid_to")).isEqualTo("2026-11-15T00:00:00Z");
        JsonPath changes = admin().queryParam("entity", "customer").queryParam("key", tenant)
                .get("/api/v1/admin/changes").then().statusCode(200).extract().jsonPath();
        assertThat(changes.getList("changed_by", String.class)).containsOnly("admin").hasSize(3);

        // A version may not run into the next one.
        admin().body(java.util.Map.of("tenant", tenant, "billingSystem", "stripe", "billingAccountId", oldAccount,
                "currency", "USD", "validFrom", "2026-01-01T00:00:00Z", "validTo", "2026-11-20T00:00:00Z"))
                .post("/api/v1/admin/customers").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("overlaps the next version"));
        assertThat(changes.getString("[1].before.valid_to")).isNull();
        assertThat(java.time.OffsetDateTime.parse(changes.getString("[1].after.valid_to")).toInstant())
                .isEqualTo(java.time.Instant.parse("2026-11-15T00:00:00Z"));
    }

    /** The test runs on any date: what is late depends on when the events are metered. */
    private static int lateIfMeteredNow(String periodClosesAt) {
        return java.time.Instant.now().isBefore(java.time.Instant.parse(periodClosesAt)) ? 0 : 1;
    }

    @Test
    void theAdminApiNeedsTheAdminRoleAndNamesTheBadField() {
        io.restassured.RestAssured.given().contentType("application/json").body("{}")
                .post("/api/v1/admin/customers").then().statusCode(401);
        io.meterbridge.support.MasterDataFixture.finance().contentType("application/json").body("{}")
                .post("/api/v1/admin/customers").then().statusCode(403);
        admin().body(java.util.Map.of("tenant", "t", "billingSystem", "stripe", "billingAccountId", "a",
                "currency", "dollars", "validFrom", "2026-01-01T00:00:00Z"))
                .post("/api/v1/admin/customers").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("currency"));
        admin().body(java.util.Map.of("contractKey", "k", "billingSystem", "stripe", "billingAccountId", "a",
                "validFrom", "2026-01-01T00:00:00Z", "metrics", java.util.List.of(java.util.Map.of("metric", "no_such_metric",
                        "unit", "u", "priceVersion", "p"))))
                .post("/api/v1/admin/contracts").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("'no_such_metric' is not in the metric catalog"));
        admin().queryParam("limit", -1).get("/api/v1/admin/changes").then().statusCode(400);
        io.restassured.RestAssured.given().queryParam("subject", "acme").get("/api/v1/usage").then().statusCode(401);
    }
}
