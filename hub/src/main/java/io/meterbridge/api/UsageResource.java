package io.meterbridge.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import io.meterbridge.metering.UsageQuery;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Finance's view of metered usage: docs/api/usage.md. */
@Path("/api/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
// Every role reads; the methods that act say who may (docs/configuration.md#people-and-roles).
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class UsageResource {

    private final UsageQuery query;

    public UsageResource(UsageQuery query) {
        this.query = query;
    }

    public record UsageResponse(String subject, String customer, String metric, String window, Instant from, Instant to,
            List<UsageQuery.UsageWindow> windows) {
    }

    @GET
    @Operation(summary = "Usage per window (HOUR, DAY, MONTH, PERIOD) of a tenant (subject) or a billing account (customer)")
    public UsageResponse usage(@QueryParam("subject") String subject, @QueryParam("customer") String customer,
            @QueryParam("metric") String metric, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("window") String window) throws Exception {
        if ((subject == null) == (customer == null)) {
            throw new IllegalArgumentException("give exactly one of subject (a tenant) and customer (a billing account id)");
        }
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("metric: required");
        }
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("to: must be after from");
        }
        UsageQuery.Window size;
        try {
            size = UsageQuery.Window.valueOf((window == null ? "DAY" : window).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("window: '" + window + "' is not one of HOUR, DAY, MONTH, PERIOD");
        }
        return new UsageResponse(subject, customer, metric, size.name(), start, end,
                query.usage(subject, customer, metric, start, end, size));
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": required (RFC 3339, e.g. 2026-11-01T00:00:00Z)");
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not an RFC 3339 timestamp");
        }
    }
}
