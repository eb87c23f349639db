package io.meterbridge.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.RestAssured;

import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.MasterDataFixture.contract;
import static io.meterbridge.support.MasterDataFixture.customer;

/** A tenant with a contract, its numbered api.request events (event i counts i), and what metering made of them. */
public final class UsageStream {

    public final String tenant;
    public final String prefix;

    private UsageStream(String tenant) {
        this.tenant = tenant;
        this.prefix = tenant + "-evt";
    }

    /** Registers the tenant and its contract through the admin API (needs PostgreSQL). */
    public static UsageStream tenant(String name) {
        UsageStream stream = new UsageStream(Events.uniqueId(name));
        customer(stream.tenant, "cus_" + stream.tenant, "2026-01-01T00:00:00Z");
        contract("contract-" + stream.tenant, "cus_" + stream.tenant, "UTC", 1, "2026-01-01T00:00:00Z", "api_requests");
        return stream;
    }

    public ObjectNode event(int i) {
        ObjectNode event = apiRequest(prefix + "-" + i, i, "user-" + i);
        event.put("subject", tenant);
        event.put("time", "2026-11-20T10:" + String.format("%02d", i % 60) + ":00Z");
        return event;
    }

    public ArrayNode events(int from, int to) {
        ArrayNode batch = Events.MAPPER.createArrayNode();
        for (int i = from; i < to; i++) {
            batch.add(event(i));
        }
        return batch;
    }

    /** The event as ingest writes it to the accepted topic (the schema named), for producing there directly. */
    public ObjectNode accepted(int i) {
        return event(i).put("meterbridgeschema", "api.request/v1");
    }

    /** Sum of i over [from, to): what events from..to-1 must count. */
    public static long expected(int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += i;
        }
        return sum;
    }

    /** Counted quantity and number of metered events of this tenant, straight from the system of record. */
    public long[] metered(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT count(*), coalesce(sum(quantity), 0) FROM metered_event WHERE subject = ?")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong(2), rows.getLong(1)};
            }
        }
    }

    /** The usage API's total for the tenant's November (the hourly aggregates). */
    public long total() {
        return MasterDataFixture.usage("subject", tenant, "api_requests", "2026-11-01T00:00:00Z",
                        "2026-12-01T00:00:00Z", "PERIOD")
                .then().statusCode(200).extract().jsonPath().getList("windows.quantity", Number.class).stream()
                .mapToLong(Number::longValue).sum();
    }

    public static int readiness() {
        return RestAssured.given().get("/q/health/ready").statusCode();
    }
}
