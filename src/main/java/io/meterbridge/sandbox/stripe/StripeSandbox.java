package io.meterbridge.sandbox.stripe;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SpecValidator;
import jakarta.inject.Singleton;

/**
 * The Stripe sandbox's singletons: its pipeline, its state, and one validator per operation, built from the requestBody
 * schemas of Stripe's OpenAPI slice at API version 2024-04-10 (shipped in sandbox/specs/).
 */
@Singleton
public class StripeSandbox {

    static final String SPEC = "sandbox/specs/stripe-2024-04-10-billing-slice.json";

    private final SandboxPipeline pipeline;
    private final StripeState state;
    private final Map<String, SpecValidator> validators = new HashMap<>();

    public StripeSandbox(SandboxConfig config, ObjectMapper mapper) {
        this.pipeline = new SandboxPipeline(new StripeDialect(config.stripe()), config);
        this.state = new StripeState(config.idempotencyRetention());
        JsonNode paths = SpecValidator.resource(mapper, SPEC).get("paths");
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            JsonNode schema = op.getValue().path("requestBody").path("content")
                    .path("application/x-www-form-urlencoded").path("schema");
            if (op.getKey().equals("post") && schema.isObject()) {
                validators.put(path.getKey(), SpecValidator.of(schema));
            }
        }));
    }

    /** The validator of POST {@code specPath} ("/v1/invoices/{invoice}/finalize"). */
    SpecValidator validator(String specPath) {
        SpecValidator validator = validators.get(specPath);
        if (validator == null) {
            throw new IllegalStateException("no request schema for POST " + specPath + " in " + SPEC);
        }
        return validator;
    }

    public SandboxPipeline pipeline() {
        return pipeline;
    }

    StripeState state() {
        return state;
    }
}
