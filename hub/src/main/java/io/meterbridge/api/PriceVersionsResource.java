package io.meterbridge.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.meterbridge.billing.PricePublications;
import io.meterbridge.rating.PriceBookStore;
import io.meterbridge.rating.PriceBooks;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Price versions: docs/api/billing.md#price-versions. The price-book files' versions and those published here, which a
 * second person with the approver role approves (POST /api/v1/approvals/{id}/approve) before they rate anything.
 */
@Path("/api/v1/billing/price-versions")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR, Roles.FINANCE, Roles.PRICING_ADMIN, Roles.APPROVER, Roles.ADMIN})
public class PriceVersionsResource {

    private final PricePublications publications;
    private final PriceBookStore prices;
    private final SecurityIdentity identity;
    private final ObjectMapper mapper;

    public PriceVersionsResource(PricePublications publications, PriceBookStore prices, SecurityIdentity identity,
            ObjectMapper mapper) {
        this.publications = publications;
        this.prices = prices;
        this.identity = identity;
        this.mapper = mapper;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(description = "A price version from the price-book files (source FILE) or published here (source API)")
    public record PriceVersionView(String id, String metric, String currency,
            @Schema(enumeration = {"FILE", "API"}) String source,
            @Schema(enumeration = {"EFFECTIVE", "PENDING_APPROVAL", "PUBLISHED", "SUPERSEDED", "REJECTED"},
                    description = "FILE versions are EFFECTIVE; a published one rates once PUBLISHED") String status,
            @Schema(description = "whether the price books rate with this definition now") boolean effective,
            @Schema(description = "the version as price-books.schema.json defines it") JsonNode definition,
            Long publicationId, Long approvalId,
            @Schema(description = "who published it (the requester)") String requestedBy, Instant requestedAt,
            @Schema(description = "the approver who approved (or rejected) it") String decidedBy, Instant decidedAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PRICING_ADMIN, Roles.ADMIN})
    @ResponseStatus(202)
    @Operation(summary = "Publish a price version (validated like the price-book files); it rates once an approver "
            + "approves it")
    public PriceVersionView publish(
            @Schema(description = "a price version, as in price-books.schema.json#/$defs/priceVersion") String body)
            throws Exception {
        // Read from the text, so decimals never pass through a double.
        JsonNode definition = PriceBooks.readDefinition(body == null || body.isBlank() ? "null" : body);
        return of(publications.request(Actors.of(identity), definition));
    }

    @GET
    @Operation(summary = "The price versions of the files and those published here, with who published and approved")
    public List<PriceVersionView> list(@QueryParam("id") String id) throws Exception {
        List<PriceVersionView> views = new ArrayList<>();
        prices.files().versions().values().stream().filter(v -> id == null || v.id().equals(id))
                .forEach(v -> views.add(new PriceVersionView(v.id(), v.metric(), v.currency(), "FILE", "EFFECTIVE", true,
                        mapper.valueToTree(PriceBooks.fileForm(v)), null, null, null, null, null, null)));
        publications.list().stream().filter(p -> id == null || p.versionId().equals(id)).map(PriceVersionsResource::of)
                .forEach(views::add);
        views.sort(Comparator.comparing(PriceVersionView::id).thenComparing(v -> v.publicationId() == null ? 0L
                : -v.publicationId()));
        return views;
    }

    private static PriceVersionView of(PricePublications.Publication p) {
        return new PriceVersionView(p.versionId(), p.metric(), p.definition().path("currency").asText(null), "API",
                p.status(), "PUBLISHED".equals(p.status()), p.definition(), p.id(), p.approvalId(), p.requestedBy(),
                p.requestedAt(), p.decidedBy(), p.decidedAt());
    }
}
