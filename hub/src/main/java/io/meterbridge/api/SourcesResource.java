package io.meterbridge.api;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.meterbridge.ingest.SourceRegistry;
import io.meterbridge.ingest.Tokenizer;
import io.meterbridge.masterdata.SourceFileLoader;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Producing sources and personal data, for admins: docs/api/admin.md#sources. Credentials are never shown, only how
 * many a source has.
 */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class SourcesResource {

    private final SourceRegistry registry;
    private final SourceFileLoader loader;
    private final Tokenizer tokenizer;

    public SourcesResource(SourceRegistry registry, SourceFileLoader loader, Tokenizer tokenizer) {
        this.registry = registry;
        this.loader = loader;
        this.tokenizer = tokenizer;
    }

    public record SourceView(String id, String description, List<String> tenants, List<String> eventTypes,
            boolean subjectsPersonal, int secrets, int apiKeys) {
    }

    public record Reloaded(List<SourceView> active, List<String> deactivated) {
    }

    @GET
    @Path("/sources")
    @Operation(summary = "The active producing sources: what each may emit, how many credentials it has")
    public List<SourceView> sources() {
        registry.reload();
        return views();
    }

    @POST
    @Path("/sources/reload")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Read the source files again: new sources register, removed or inactive ones stop authenticating")
    public Reloaded reload() throws Exception {
        List<String> deactivated = loader.reload();
        return new Reloaded(views(), deactivated);
    }

    public record TokenRequest(String value) {
    }

    public record Tokens(String currentKeyId, Map<String, String> tokens) {
    }

    /**
     * For a data owner's request (access, erasure): the tokens a person's value has under the current key and every key
     * rotated out, to find their rows in topics and tables. The value is not stored or logged.
     */
    @POST
    @Path("/personal-data/tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The tokens of a personal value under every token key (current and rotated out)")
    public Tokens tokens(TokenRequest request) {
        if (request == null || request.value() == null || request.value().isEmpty()) {
            throw new IllegalArgumentException("value: required");
        }
        return new Tokens(tokenizer.keyId(), tokenizer.tokensUnderEveryKey(request.value()));
    }

    private List<SourceView> views() {
        return registry.activeSources().values().stream()
                .sorted(Comparator.comparing(SourceRegistry.Source::id))
                .map(s -> new SourceView(s.id(), s.description(), s.tenants(), s.eventTypes(), s.subjectsPersonal(),
                        s.secrets().size(), s.apiKeyHashes().size()))
                .toList();
    }
}
