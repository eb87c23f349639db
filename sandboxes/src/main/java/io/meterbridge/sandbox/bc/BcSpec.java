package io.meterbridge.sandbox.bc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.meterbridge.sandbox.SandboxException;

/**
 * The contract of the Business Central sandbox: the derived OpenAPI subset (validated with swagger-request-validator,
 * paths relative to the API root {@code /v2.0/{tenant}/{environment}/api/v2.0}) and the AL page fields (which are
 * read-only). Also gives each entity's property types, from which the sandbox fills defaults the way BC does.
 */
final class BcSpec {

    static final String SPEC = "sandbox/specs/bc-api-v2.0-derived-from-BCApps.openapi.yaml";
    static final String PAGE_FIELDS = "sandbox/specs/bc-api-v2.0-al-page-fields.json";

    /** Entity set (and deep-insert part) to the spec's schema name. */
    static final Map<String, String> SCHEMAS = Map.of(
            "customers", "customer",
            "salesInvoices", "salesInvoice",
            "salesInvoiceLines", "salesInvoiceLine",
            "salesCreditMemos", "salesCreditMemo",
            "salesCreditMemoLines", "salesCreditMemoLine",
            "journals", "journal",
            "journalLines", "journalLine");

    private final OpenApiInteractionValidator validator;
    private final Map<String, Set<String>> readOnly = new HashMap<>();
    private final Map<String, Map<String, JsonNode>> properties = new HashMap<>();

    BcSpec(ObjectMapper mapper) {
        String yaml = text(SPEC);
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(yaml).withBasePathOverride("/")
                .build();
        try {
            JsonNode spec = new YAMLMapper().readTree(yaml);
            JsonNode pages = mapper.readTree(text(PAGE_FIELDS));
            SCHEMAS.forEach((set, schemaName) -> {
                Map<String, JsonNode> props = new LinkedHashMap<>();
                Set<String> ro = new LinkedHashSet<>();
                spec.path("components").path("schemas").path(schemaName).path("properties").fields()
                        .forEachRemaining(p -> {
                            props.put(p.getKey(), p.getValue());
                            if (p.getValue().path("readOnly").asBoolean(false)) {
                                ro.add(p.getKey());
                            }
                        });
                pages.fields().forEachRemaining(page -> {
                    if (set.equals(page.getValue().path("EntitySetName").asText())) {
                        page.getValue().path("fields").forEach(f -> {
                            if (!f.path("editable").asBoolean(true)) {
                                ro.add(f.path("name").asText());
                            }
                        });
                    }
                });
                properties.put(set, props);
                readOnly.put(set, ro);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Read-only fields of an entity set (AL page fields with Editable = false, plus the spec's readOnly flags). */
    Set<String> readOnly(String entitySet) {
        return readOnly.getOrDefault(entitySet, Set.of());
    }

    /** The spec's properties of an entity set, in page order. */
    Map<String, JsonNode> properties(String entitySet) {
        return properties.getOrDefault(entitySet, Map.of());
    }

    /**
     * Refuses a body that sets a read-only field, with the deep-insert parts ({@code salesInvoiceLines}) checked
     * against their own page.
     */
    void checkReadOnly(String entitySet, JsonNode body) {
        if (body == null || !body.isObject()) {
            return;
        }
        for (String field : readOnly(entitySet)) {
            if (body.has(field)) {
                throw BcErrors.badRequest(BcErrors.READ_ONLY, "Control '" + field + "' is read-only. The property '"
                        + field + "' of '" + SCHEMAS.get(entitySet) + "' cannot be set by a request.");
            }
        }
        for (String part : List.of("salesInvoiceLines", "salesCreditMemoLines")) {
            if (body.path(part).isArray()) {
                body.get(part).forEach(line -> checkReadOnly(part, line));
            }
        }
    }

    /**
     * Validates a request against the spec when the spec has its path and method; requests the excerpt does not cover
     * (GETs, actions it only names) are let through.
     */
    void validate(String method, String apiPath, String body, Map<String, String> headers) {
        SimpleRequest.Builder builder = new SimpleRequest.Builder(Request.Method.valueOf(method), apiPath);
        if (body != null) {
            builder.withBody(body).withContentType("application/json");
        }
        headers.forEach(builder::withHeader);
        ValidationReport report = validator.validateRequest(builder.build());
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR || m.getKey().equals("validation.request.path.missing")
                    || m.getKey().equals("validation.request.operation.notAllowed")) {
                continue;
            }
            String where = m.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                    .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("");
            if (m.getKey().startsWith("validation.request.parameter")) {
                throw BcErrors.badRequest(BcErrors.INVALID_URL, "The request URL is not valid: " + m.getMessage());
            }
            if (m.getKey().equals("validation.request.body.schema.additionalProperties")) {
                throw BcErrors.badRequest(BcErrors.INVALID_BODY, "The request body has properties the entity does not "
                        + "define (at '" + where + "'): " + m.getMessage());
            }
            throw BcErrors.badRequest(BcErrors.INVALID_BODY, "The request body is not valid"
                    + (where.isEmpty() ? "" : " at '" + where + "'") + ": " + m.getMessage() + " [" + m.getKey() + "]");
        }
    }

    static SandboxException unsupported(String what) {
        return BcErrors.notFound(BcErrors.URL_NOT_FOUND, "No HTTP resource was found that matches the request URI ("
                + what + ").");
    }
}
