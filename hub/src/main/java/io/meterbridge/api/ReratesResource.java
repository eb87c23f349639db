package io.meterbridge.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.Rerates;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Re-rates of closed periods after a price correction, previewed then approved: docs/api/billing.md#re-rates. */
@Path("/api/v1/billing/rerates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class ReratesResource {

    @Schema(description = "A re-rate: one contract (contractKey) or every contract billed on priceVersion, the periods"
            + " starting from fromPeriod to toPeriod (both period starts, inclusive), and the replacement version(s)")
    public record RerateRequest(String contractKey, String priceVersion, Instant fromPeriod, Instant toPeriod,
            @Schema(description = "with priceVersion: the version that replaces it") String replacementPriceVersion,
            @Schema(description = "billed price version id -> replacement id") Map<String, String> replacements) {
    }

    private final Rerates rerates;
    private final SecurityIdentity identity;

    public ReratesResource(Rerates rerates, SecurityIdentity identity) {
        this.rerates = rerates;
        this.identity = identity;
    }

    @POST
    @RolesAllowed({Roles.FINANCE, Roles.PRICING_ADMIN, Roles.ADMIN})
    @Operation(summary = "Preview a re-rate (per period and line: billed, re-rated, difference, documents) and ask "
            + "for its approval (kind rerate); nothing is issued until a second person approves")
    public JsonNode request(RerateRequest request) throws Exception {
        if (request == null) {
            throw new IllegalArgumentException("body: required");
        }
        Map<String, String> replacements = new LinkedHashMap<>();
        if (request.replacements() != null) {
            replacements.putAll(request.replacements());
        }
        if (request.replacementPriceVersion() != null) {
            if (request.priceVersion() == null) {
                throw new IllegalArgumentException("replacementPriceVersion: replaces priceVersion, which is missing");
            }
            replacements.put(request.priceVersion(), request.replacementPriceVersion());
        }
        return rerates.request(new Rerates.Request(request.contractKey(), request.priceVersion(), request.fromPeriod(),
                request.toPeriod(), replacements), Actors.of(identity));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A re-rate: its request, preview, status and, once approved, its corrections")
    public JsonNode get(@PathParam("id") String id) throws Exception {
        return rerates.find(id).orElseThrow(() -> new NotFoundException("no re-rate " + id));
    }
}
