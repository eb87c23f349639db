package io.meterbridge.sandbox.stripe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Ids;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxException;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SpecValidator;
import io.meterbridge.sandbox.WebhookDispatcher;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The Stripe sandbox's singletons: its pipeline, its state, its events and webhooks, and one validator per operation,
 * built from the requestBody schemas of Stripe's OpenAPI slice at API version 2024-04-10 (shipped in sandbox/specs/),
 * completed by our supplement for operations the slice lacks.
 */
@Singleton
public class StripeSandbox {

    static final String SPEC = "sandbox/specs/stripe-2024-04-10-billing-slice.json";
    static final String SUPPLEMENT = "sandbox/specs/stripe-2024-04-10-sandbox-supplement.json";
    static final String API_VERSION = "2024-04-10";

    private final SandboxPipeline pipeline;
    private final StripeState state;
    private final WebhookDispatcher webhooks;
    private final Map<String, SpecValidator> validators = new HashMap<>();

    public StripeSandbox(SandboxConfig config, ObjectMapper mapper) {
        this.pipeline = new SandboxPipeline(new StripeDialect(config.stripe()), config);
        this.state = new StripeState(config.idempotencyRetention(), pipeline.clock());
        String secret = config.stripe().webhookSecret();
        this.webhooks = new WebhookDispatcher("stripe", config.stripe().webhookUrl(),
                payload -> signatureHeaders(secret, Instant.now().getEpochSecond(), payload),
                (event, status) -> event.put("pending_webhooks", switch (status) {
                    case DELIVERED, NO_ENDPOINT -> 0;
                    default -> 1;
                }), () -> pipeline.faults().settings().dropWebhooks(), mapper, config);
        for (String resource : List.of(SPEC, SUPPLEMENT)) {
            JsonNode paths = SpecValidator.resource(mapper, resource).get("paths");
            paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                JsonNode schema = op.getValue().path("requestBody").path("content")
                        .path("application/x-www-form-urlencoded").path("schema");
                if (op.getKey().equals("post") && schema.isObject()) {
                    validators.putIfAbsent(path.getKey(), SpecValidator.of(schema));
                }
            }));
        }
    }

    /**
     * Stripe's webhook signature: {@code t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the endpoint
     * secret>}, the secret taken as is (whsec_ prefix included), as Stripe's libraries verify it.
     */
    static Map<String, String> signatureHeaders(String secret, long timestamp, String payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Stripe-Signature", StripeSignature.header(secret, timestamp, payload));
        headers.put("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        return headers;
    }

    /**
     * Runs a state change and records its event under the state's lock, so that events are created in the order of
     * the changes. The event's {@code request} names the API request ({@code requestId}, answered as Request-Id) and
     * its idempotency key; {@code data.object} is the changed object as GET returns it.
     */
    ObjectNode change(SandboxRequest request, String requestId, String type, Supplier<ObjectNode> effect) {
        synchronized (state) {
            ObjectNode object = effect.get();
            JsonNodeFactory json = JsonNodeFactory.instance;
            ObjectNode event = json.objectNode();
            String id = Ids.random("evt_", 24);
            event.put("id", id).put("object", "event").put("api_version", API_VERSION)
                    .put("created", Instant.now().getEpochSecond());
            event.putObject("data").set("object", object.deepCopy());
            event.put("livemode", false).put("pending_webhooks", 0);
            ObjectNode origin = event.putObject("request");
            // null: a change Stripe makes on its own (a subscription's invoice at the end of its period)
            origin.put("id", requestId).put("idempotency_key", request == null ? null : request.header("Idempotency-Key"));
            event.put("type", type);
            webhooks.emit(id, type, event);
            return object;
        }
    }

    /**
     * GET /v1/events: newest first; {@code type} (a {@code *} matches any rest: {@code invoice.*}), {@code types[]},
     * {@code created} (exact, or [gt] [gte] [lt] [lte]), {@code starting_after}, {@code limit} (1..100, default 10).
     */
    ObjectNode listEvents(JsonNode query) {
        List<ObjectNode> all = new ArrayList<>(webhooks.events());
        Collections.reverse(all);
        List<String> types = new ArrayList<>();
        if (query.hasNonNull("type")) {
            types.add(query.get("type").asText());
        }
        query.path("types").forEach(t -> types.add(t.asText()));
        JsonNode created = query.path("created");
        Predicate<ObjectNode> filter = e -> (types.isEmpty() || types.stream().anyMatch(t -> typeMatches(t,
                e.get("type").asText()))) && createdMatches(created, e.get("created").asLong());
        return StripeState.list("/v1/events", all, filter, query);
    }

    ObjectNode getEvent(String id) {
        return webhooks.event(id).orElseThrow(() -> new SandboxException(404, ErrorKind.NOT_FOUND, "resource_missing",
                "No such event: '" + id + "'", "id"));
    }

    private static boolean typeMatches(String pattern, String type) {
        return pattern.endsWith("*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type);
    }

    private static boolean createdMatches(JsonNode filter, long created) {
        if (filter.isMissingNode() || filter.isNull()) {
            return true;
        }
        if (!filter.isObject()) {
            return created == filter.asLong();
        }
        return (!filter.has("gt") || created > filter.get("gt").asLong())
                && (!filter.has("gte") || created >= filter.get("gte").asLong())
                && (!filter.has("lt") || created < filter.get("lt").asLong())
                && (!filter.has("lte") || created <= filter.get("lte").asLong());
    }

    /** The validator of POST {@code specPath} ("/v1/invoices/{invoice}/finalize"). */
    SpecValidator validator(String specPath) {
        SpecValidator validator = validators.get(specPath);
        if (validator == null) {
            throw new IllegalStateException("no request schema for POST " + specPath + " in " + SPEC + " or " + SUPPLEMENT);
        }
        return validator;
    }

    public SandboxPipeline pipeline() {
        return pipeline;
    }

    public WebhookDispatcher webhooks() {
        return webhooks;
    }

    StripeState state() {
        return state;
    }

    @PreDestroy
    void close() {
        webhooks.close();
    }
}
