package io.meterbridge.sandbox.chargebee;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
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
import io.meterbridge.sandbox.SpecValidator;
import io.meterbridge.sandbox.WebhookDispatcher;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The Chargebee sandbox's singletons: pipeline, state, events and webhooks (HTTP basic auth with the configured user
 * name and password, as a Chargebee webhook is set up), and the validators of our own contract file.
 */
@Singleton
public class ChargebeeSandbox {

    static final String CONTRACT = "sandbox/specs/chargebee-v2-sandbox-contract.json";

    private final SandboxPipeline pipeline;
    private final ChargebeeState state = new ChargebeeState();
    private final WebhookDispatcher webhooks;
    private final SpecValidator createUsage;
    private final SpecValidator createInvoiceForCharges;
    private final SpecValidator recordPayment;
    private final SpecValidator createCreditNote;
    private final SpecValidator refundInvoice;

    public ChargebeeSandbox(SandboxConfig config, ObjectMapper mapper) {
        this.pipeline = new SandboxPipeline(new ChargebeeDialect(config.chargebee()), config);
        String basic = "Basic " + Base64.getEncoder().encodeToString((config.chargebee().webhookUsername() + ":"
                + config.chargebee().webhookPassword()).getBytes(StandardCharsets.UTF_8));
        this.webhooks = new WebhookDispatcher("chargebee", config.chargebee().webhookUrl(),
                payload -> Map.of("Authorization", basic, "User-Agent", "ChargeBee"),
                (event, status) -> event.put("webhook_status", switch (status) {
                    case PENDING -> "scheduled";
                    case RETRYING -> "re_scheduled";
                    case DELIVERED -> "succeeded";
                    case FAILED -> "failed";
                    case DROPPED -> "skipped";
                    case NO_ENDPOINT -> "not_configured";
                }), () -> pipeline.faults().settings().dropWebhooks(), mapper, config);
        JsonNode contract = SpecValidator.resource(mapper, CONTRACT);
        this.createUsage = SpecValidator.of(contract.get("create_usage"));
        this.createInvoiceForCharges = SpecValidator.of(contract.get("create_invoice_for_charges"));
        this.recordPayment = SpecValidator.of(contract.get("record_invoice_payment"));
        this.createCreditNote = SpecValidator.of(contract.get("create_credit_note"));
        this.refundInvoice = SpecValidator.of(contract.get("refund_invoice"));
    }

    /**
     * Runs a state change and records its event under the state's lock (events in the order of the changes).
     * {@code content} is what the change answers ({"invoice":{...}}, {"invoice":..,"transaction":..}, ...);
     * {@code eventType} picks the event from it (null: no event).
     */
    ObjectNode change(java.util.function.Function<ObjectNode, String> eventType, Supplier<ObjectNode> effect) {
        synchronized (state) {
            ObjectNode content = effect.get();
            String type = eventType.apply(content);
            if (type != null) {
                emit(type, content);
            }
            return content;
        }
    }

    /** Records one event of {@code content} (inside {@link #change}: a change that makes more than one event). */
    void emit(String type, ObjectNode content) {
        synchronized (state) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            String id = Ids.random("ev_", 24);
            event.put("id", id).put("occurred_at", Instant.now().getEpochSecond()).put("source", "api")
                    .put("object", "event").put("api_version", "v2");
            event.set("content", content.deepCopy());
            event.put("event_type", type);
            webhooks.emit(id, type, event);
        }
    }

    /**
     * GET /api/v2/events: newest first; {@code event_type[is]}, {@code event_type[is_not]}, {@code event_type[in]}
     * ({@code ["a","b"]}), {@code occurred_at[after]}, {@code occurred_at[before]}, {@code webhook_status[is]},
     * {@code source[is]}, {@code limit} (1..100, default 10), {@code offset}.
     */
    ObjectNode listEvents(JsonNode query) {
        JsonNode type = query.path("event_type");
        JsonNode occurred = query.path("occurred_at");
        List<String> in = new ArrayList<>();
        if (type.has("in")) {
            String raw = type.get("in").asText().trim().replaceAll("^\\[|\\]$", "");
            for (String t : raw.split(",")) {
                in.add(t.trim().replaceAll("^\"|\"$", ""));
            }
        }
        Predicate<ObjectNode> filter = e -> ChargebeeState.is(query, "event_type", e.get("event_type").asText())
                && (!type.has("is_not") || !type.get("is_not").asText().equals(e.get("event_type").asText()))
                && (in.isEmpty() || in.contains(e.get("event_type").asText()))
                && (!occurred.has("after") || e.get("occurred_at").asLong() > occurred.get("after").asLong())
                && (!occurred.has("before") || e.get("occurred_at").asLong() < occurred.get("before").asLong())
                && ChargebeeState.is(query, "webhook_status", e.get("webhook_status").asText())
                && ChargebeeState.is(query, "source", e.get("source").asText());
        // already newest first: a stable sort by occurred_at keeps that order within a second
        return ChargebeeState.list("event", webhooks.events(),
                filter, Comparator.comparingLong(e -> -e.get("occurred_at").asLong()), query);
    }

    ObjectNode getEvent(String id) {
        ObjectNode event = webhooks.event(id).orElseThrow(() -> new SandboxException(404, ErrorKind.NOT_FOUND,
                "resource_not_found", "Sorry, we couldn't find that resource", null));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("event", event);
        return out;
    }

    public SandboxPipeline pipeline() {
        return pipeline;
    }

    public WebhookDispatcher webhooks() {
        return webhooks;
    }

    ChargebeeState state() {
        return state;
    }

    SpecValidator createUsage() {
        return createUsage;
    }

    SpecValidator createInvoiceForCharges() {
        return createInvoiceForCharges;
    }

    SpecValidator recordPayment() {
        return recordPayment;
    }

    SpecValidator createCreditNote() {
        return createCreditNote;
    }

    SpecValidator refundInvoice() {
        return refundInvoice;
    }

    @PreDestroy
    void close() {
        webhooks.close();
    }
}
