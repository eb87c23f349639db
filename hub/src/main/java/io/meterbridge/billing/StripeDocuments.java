package io.meterbridge.billing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.meterbridge.billing.connector.RejectedByVendorException;
import io.meterbridge.billing.connector.SavedServerErrors;
import io.meterbridge.billing.connector.VendorCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * Builds the Stripe calls of a delivery (routes stripe-invoice and stripe-meter-events) and resumes a delivery from
 * what already exists in Stripe. Idempotency keys are the delivery id plus the step (invoice items: the charge line's
 * key), so a retry within Stripe's 24 h repeats the same keys and Stripe applies each write once. Beyond that
 * horizon, or when Stripe saved a 500 under a key, the keys no longer protect: an invoice is then resumed from the
 * invoice id stored in PostgreSQL (or found by its metadata) and its items, and only what is missing is created.
 */
@Named("stripeDocuments")
@ApplicationScoped
public class StripeDocuments implements SavedServerErrors {

    private static final Logger LOG = Logger.getLogger(StripeDocuments.class);

    public static final String INVOICE_ID = "stripeInvoiceId";
    /** The invoice's Stripe status (draft, open, paid, uncollectible, void) once known. */
    public static final String INVOICE_STATUS = "stripeInvoiceStatus";
    /** The next page of a Stripe list the route reads, or absent when the listing is done. */
    public static final String NEXT_PAGE = "stripeNextPage";
    static final String KEY_GENERATION = "stripeKeyGeneration";
    static final String FIRST_ATTEMPT = "stripeFirstAttempt";
    static final String DRAFT_CREATED = "stripeDraftCreated";
    static final String EXISTING_LINES = "stripeExistingLines";
    private static final int PAGE_SIZE = 100;
    /**
     * Stripe deduplicates a meter event identifier for 24 h after its first use. A resend is refused once the first
     * attempt is older than this: an hour short of 24 h, for clock skew and the time the retries themselves take.
     */
    static final Duration METER_EVENT_RESEND_WINDOW = Duration.ofHours(23);

    private final StripeProgress progress;
    private final BillingDeliveries deliveries;

    public StripeDocuments(StripeProgress progress, BillingDeliveries deliveries) {
        this.progress = progress;
        this.deliveries = deliveries;
    }

    // ---- invoices: resume

    /**
     * Start of every attempt: the stored invoice id and key generation. On the first attempt nothing can exist in
     * Stripe yet; on a later one without a stored id, the customer's invoices are listed to find the delivery's.
     */
    public void resumeInvoice(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        StripeProgress.State state = progress.begin(delivery.id());
        exchange.setProperty(KEY_GENERATION, state.keyGeneration());
        exchange.setProperty(FIRST_ATTEMPT, state.firstAttempt());
        exchange.setProperty(EXISTING_LINES, new HashSet<String>());
        exchange.removeProperty(INVOICE_STATUS);
        exchange.removeProperty(DRAFT_CREATED);
        exchange.removeProperty(NEXT_PAGE);
        if (state.invoiceId() != null) {
            exchange.setProperty(INVOICE_ID, state.invoiceId());
        } else {
            exchange.removeProperty(INVOICE_ID);
            if (!state.firstAttempt()) {
                exchange.setProperty(NEXT_PAGE, invoicesPage(delivery, null));
            }
        }
    }

    /** Reads a page of the customer's invoices: the delivery's is the one whose metadata names the delivery. */
    public void invoicesRead(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        exchange.removeProperty(NEXT_PAGE);
        String last = null;
        for (JsonNode invoice : page.path("data")) {
            last = invoice.path("id").asText();
            if (delivery.id().equals(invoice.path("metadata").path("meterbridge_delivery").asText(null))) {
                found(exchange, delivery, invoice);
                return;
            }
        }
        if (page.path("has_more").asBoolean(false) && last != null) {
            exchange.setProperty(NEXT_PAGE, invoicesPage(delivery, last));
        }
    }

    private void found(Exchange exchange, DeliveryMessage delivery, JsonNode invoice) throws SQLException {
        String id = invoice.path("id").asText();
        progress.invoiceCreated(delivery.id(), id);
        exchange.setProperty(INVOICE_ID, id);
        exchange.setProperty(INVOICE_STATUS, invoice.path("status").asText());
        LOG.infof("Delivery %s resumes Stripe invoice %s (%s), found by its metadata", delivery.id(), id,
                invoice.path("status").asText());
    }

    private static VendorCall invoicesPage(DeliveryMessage delivery, String startingAfter) {
        return VendorCall.get("/v1/invoices?customer=" + encode(delivery.payload().path("customer").asText())
                + "&limit=" + PAGE_SIZE + (startingAfter == null ? "" : "&starting_after=" + encode(startingAfter)));
    }

    /** The stored invoice, to learn its status (a replay may find it finalized already). */
    public VendorCall getInvoice(Exchange exchange) {
        return VendorCall.get("/v1/invoices/" + encode(exchange.getProperty(INVOICE_ID, String.class)));
    }

    public void invoiceRead(Exchange exchange) {
        JsonNode invoice = exchange.getMessage().getBody(JsonNode.class);
        exchange.setProperty(INVOICE_STATUS, invoice.path("status").asText());
    }

    /**
     * A draft goes on (items, finalize); open, paid or uncollectible means an earlier attempt finalized it: nothing
     * is sent again. A void invoice was voided in Stripe by someone: the hub does not bill the period a second time.
     */
    public void checkInvoiceStatus(Exchange exchange) {
        String status = exchange.getProperty(INVOICE_STATUS, String.class);
        String invoice = exchange.getProperty(INVOICE_ID, String.class);
        switch (status) {
            case "draft" -> {
            }
            case "open", "paid", "uncollectible" -> LOG.infof("Delivery %s: Stripe invoice %s is already %s",
                    BillingDeliveries.current(exchange).id(), invoice, status);
            default -> throw new RejectedByVendorException("stripe", 0, "Stripe invoice " + invoice + " of delivery "
                    + BillingDeliveries.current(exchange).id() + " is " + status
                    + ": not billed again; resolve it in Stripe, then replay");
        }
    }

    /** Before items are added to a draft that existed before this attempt: list the items it already has. */
    public void listItems(Exchange exchange) {
        exchange.removeProperty(NEXT_PAGE);
        if (!Boolean.TRUE.equals(exchange.getProperty(DRAFT_CREATED, Boolean.class))) {
            exchange.setProperty(NEXT_PAGE, itemsPage(exchange.getProperty(INVOICE_ID, String.class), null));
        }
    }

    /** Reads a page of the draft's items: a charge line whose key is in an item's metadata exists already. */
    @SuppressWarnings("unchecked")
    public void itemsRead(Exchange exchange) {
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        Set<String> existing = exchange.getProperty(EXISTING_LINES, Set.class);
        exchange.removeProperty(NEXT_PAGE);
        String last = null;
        for (JsonNode item : page.path("data")) {
            last = item.path("id").asText();
            String line = item.path("metadata").path("line").asText(null);
            if (line != null) {
                existing.add(line);
            }
        }
        if (page.path("has_more").asBoolean(false) && last != null) {
            exchange.setProperty(NEXT_PAGE, itemsPage(exchange.getProperty(INVOICE_ID, String.class), last));
        }
    }

    private static VendorCall itemsPage(String invoice, String startingAfter) {
        return VendorCall.get("/v1/invoiceitems?invoice=" + encode(invoice) + "&limit=" + PAGE_SIZE
                + (startingAfter == null ? "" : "&starting_after=" + encode(startingAfter)));
    }

    // ---- invoices: writes

    /** A draft invoice that takes only the items we attach (never other pending items of the customer). */
    public VendorCall draftInvoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("customer", p.path("customer").asText());
        params.put("currency", p.path("currency").asText().toLowerCase(Locale.ROOT));
        // never auto-advanced as a draft: Stripe would finalize it before the hub has attached every item
        params.put("auto_advance", "false");
        params.put("collection_method", collection(p).method());
        if (collection(p).daysUntilDue() != null) {
            params.put("days_until_due", collection(p).daysUntilDue());
        }
        params.put("pending_invoice_items_behavior", "exclude");
        params.put("description", p.path("description").asText());
        params.put("metadata", metadata(delivery));
        return VendorCall.post("/v1/invoices", params, key(delivery.id() + "-invoice", exchange));
    }

    /** Stores the draft's id before anything is added to it: every later attempt resumes this invoice. */
    public void rememberInvoice(Exchange exchange) throws SQLException {
        JsonNode invoice = exchange.getMessage().getBody(JsonNode.class);
        String id = invoice.path("id").asText();
        progress.invoiceCreated(BillingDeliveries.current(exchange).id(), id);
        exchange.setProperty(INVOICE_ID, id);
        exchange.setProperty(INVOICE_STATUS, invoice.path("status").asText("draft"));
        exchange.setProperty(DRAFT_CREATED, true);
    }

    /** One item per charge line the draft does not have yet. */
    @SuppressWarnings("unchecked")
    public List<VendorCall> invoiceItems(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        String invoice = exchange.getProperty(INVOICE_ID, String.class);
        Set<String> existing = exchange.getProperty(EXISTING_LINES, Set.class);
        List<VendorCall> calls = new ArrayList<>();
        for (JsonNode line : p.path("lines")) {
            if (existing != null && existing.contains(line.path("key").asText())) {
                continue;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("customer", p.path("customer").asText());
            params.put("invoice", invoice);
            params.put("amount", line.path("amountMinor").asLong());
            params.put("currency", p.path("currency").asText().toLowerCase(Locale.ROOT));
            params.put("description", line.path("description").asText());
            params.put("period", Map.of("start", p.path("periodStart").asLong(), "end", p.path("periodEnd").asLong()));
            Map<String, Object> metadata = metadata(delivery);
            metadata.put("metric", line.path("metric").asText());
            metadata.put("price_version", line.path("priceVersion").asText());
            metadata.put("line", line.path("key").asText());
            params.put("metadata", metadata);
            calls.add(VendorCall.post("/v1/invoiceitems", params, key(line.path("key").asText(), exchange)));
        }
        if (existing != null && !existing.isEmpty()) {
            LOG.infof("Delivery %s: %d item(s) already on Stripe invoice %s, %d to create", delivery.id(),
                    existing.size(), invoice, calls.size());
        }
        return calls;
    }

    /** Finalize; with autoAdvance Stripe then collects (charges, or emails a send_invoice invoice) on its own. */
    public VendorCall finalizeInvoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        String invoice = exchange.getProperty(INVOICE_ID, String.class);
        return VendorCall.post("/v1/invoices/" + invoice + "/finalize",
                Map.of("auto_advance", String.valueOf(collection(delivery.payload()).autoAdvance())),
                key(delivery.id() + "-finalize", exchange));
    }

    public void invoiceFinalized(Exchange exchange) {
        exchange.setProperty(INVOICE_STATUS, exchange.getMessage().getBody(JsonNode.class).path("status").asText("open"));
    }

    /**
     * Without autoAdvance the hub collects an open invoice itself: charge_automatically is paid (Stripe charges the
     * customer's default payment method), send_invoice is sent (Stripe emails it with its due date). Null when
     * there is nothing to do: Stripe collects (autoAdvance), or the invoice is paid, void or uncollectible already.
     * A resumed delivery whose invoice is open sends it again at most, under the same idempotency key within 24 h.
     */
    public VendorCall collectInvoice(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        Collection collection = collection(delivery.payload());
        if (collection.autoAdvance() || !"open".equals(exchange.getProperty(INVOICE_STATUS, String.class))) {
            return null;
        }
        String invoice = exchange.getProperty(INVOICE_ID, String.class);
        boolean send = "send_invoice".equals(collection.method());
        return VendorCall.post("/v1/invoices/" + invoice + (send ? "/send" : "/pay"), Map.of(),
                key(delivery.id() + (send ? "-send" : "-pay"), exchange));
    }

    /** The delivery's collection settings; a delivery written before they existed is finalized only, as it was. */
    record Collection(String method, Integer daysUntilDue, boolean autoAdvance) {
    }

    static Collection collection(JsonNode payload) {
        JsonNode c = payload.path("collection");
        if (c.isMissingNode()) {
            return new Collection("charge_automatically", null, true);
        }
        return new Collection(c.path("method").asText("charge_automatically"),
                c.hasNonNull("daysUntilDue") ? c.get("daysUntilDue").asInt() : null, c.path("autoAdvance").asBoolean(true));
    }

    /**
     * Stripe answered a POST of this delivery 500 and saved it under the key: the next generation of keys is stored
     * before the error goes back to billing-sync's redelivery, so the retry does not get the same 500 again. The
     * retry looks up what exists first (invoice) or relies on the unchanged identifiers (meter events).
     */
    @Override
    public void saved(Exchange exchange, String idempotencyKey) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        if (delivery == null) {
            return;
        }
        int generation = progress.keysSpent(delivery.id());
        LOG.warnf("Delivery %s: Stripe saved a 500 under idempotency key %s; the next attempt looks up what exists "
                + "and uses key generation %d", delivery.id(), idempotencyKey, generation);
    }

    // ---- credit notes (issue 12: a correction's credit on the period's invoice)

    /** The platform id of the delivered document, when it is not an invoice (a credit note). */
    public static final String DOCUMENT_ID = "billingDocumentId";
    /** The Stripe invoice a credit note credits: the external id of the period's invoice delivery. */
    public static final String CREDITED_INVOICE = "stripeCreditedInvoice";

    /**
     * Start of a credit note attempt: the invoice it credits (the period's invoice delivery must be delivered; until
     * then the attempt fails and is retried) and the key generation. On a later attempt the invoice's credit notes
     * are listed first: past Stripe's 24 h key horizon (a replay of a dead letter) the key no longer protects, so the
     * credit note whose metadata names the delivery, if it exists, is the delivery's and nothing is created again.
     */
    public void resumeCreditNote(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        StripeProgress.State state = progress.begin(delivery.id());
        exchange.setProperty(KEY_GENERATION, state.keyGeneration());
        exchange.removeProperty(DOCUMENT_ID);
        exchange.removeProperty(NEXT_PAGE);
        String invoiceDelivery = delivery.payload().path("invoiceDeliveryId").asText();
        String invoice = deliveries.deliveredAs(invoiceDelivery)
                .orElseThrow(() -> new CreditedInvoiceNotDeliveredException("credit note " + delivery.id()
                        + " waits for invoice delivery " + invoiceDelivery + " to be delivered"));
        exchange.setProperty(CREDITED_INVOICE, invoice);
        if (!state.firstAttempt()) {
            exchange.setProperty(NEXT_PAGE, creditNotesPage(invoice, null));
        }
    }

    /** Reads a page of the invoice's credit notes: the delivery's is the one whose metadata names the delivery. */
    public void creditNotesRead(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        exchange.removeProperty(NEXT_PAGE);
        String last = null;
        for (JsonNode note : page.path("data")) {
            last = note.path("id").asText();
            if (delivery.id().equals(note.path("metadata").path("meterbridge_delivery").asText(null))) {
                exchange.setProperty(DOCUMENT_ID, last);
                LOG.infof("Delivery %s: Stripe credit note %s exists already, found by its metadata", delivery.id(), last);
                return;
            }
        }
        if (page.path("has_more").asBoolean(false) && last != null) {
            exchange.setProperty(NEXT_PAGE, creditNotesPage(exchange.getProperty(CREDITED_INVOICE, String.class), last));
        }
    }

    private static VendorCall creditNotesPage(String invoice, String startingAfter) {
        return VendorCall.get("/v1/credit_notes?invoice=" + encode(invoice) + "&limit=" + PAGE_SIZE
                + (startingAfter == null ? "" : "&starting_after=" + encode(startingAfter)));
    }

    /** The credited invoice, for its status. */
    public VendorCall getCreditedInvoice(Exchange exchange) {
        return VendorCall.get("/v1/invoices/" + encode(exchange.getProperty(CREDITED_INVOICE, String.class)));
    }

    /**
     * The credit note: one custom line per credited line (its description names the metric and the corrected
     * period), the delivery in its metadata, its key the delivery id. On an open invoice it lowers the amount due; on
     * a paid one Stripe needs to know where the money goes: to the customer's balance (credit_amount), which Stripe
     * applies to the next invoice. A void or draft invoice cannot be credited: refused, for finance to resolve.
     */
    public VendorCall creditNote(Exchange exchange) {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        JsonNode invoice = exchange.getMessage().getBody(JsonNode.class);
        String status = invoice.path("status").asText();
        if (!status.equals("open") && !status.equals("paid")) {
            throw new RejectedByVendorException("stripe", 0, "credit note " + delivery.id() + ": Stripe invoice "
                    + invoice.path("id").asText() + " is " + status + ", only a finalized (open or paid) invoice can "
                    + "be credited; resolve it in Stripe, then replay");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("invoice", invoice.path("id").asText());
        List<Object> lines = new ArrayList<>();
        long total = 0;
        for (JsonNode line : p.path("lines")) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("type", "custom_line_item");
            l.put("description", line.path("description").asText());
            l.put("quantity", 1);
            l.put("unit_amount", line.path("amountMinor").asLong());
            lines.add(l);
            total += line.path("amountMinor").asLong();
        }
        params.put("lines", lines);
        if (status.equals("paid")) {
            params.put("credit_amount", total);
        }
        params.put("memo", p.path("reason").asText());
        Map<String, Object> metadata = metadata(delivery);
        metadata.put("correction_id", p.path("correctionId").asText());
        params.put("metadata", metadata);
        return VendorCall.post("/v1/credit_notes", params, key(delivery.id() + "-credit-note", exchange));
    }

    public void creditNoteCreated(Exchange exchange) {
        exchange.setProperty(DOCUMENT_ID, exchange.getMessage().getBody(JsonNode.class).path("id").asText());
    }

    // ---- meter events

    /**
     * Start of every attempt of a meter events delivery. Stripe offers no lookup of single meter events, so only
     * the identifiers protect against counting twice, for 24 h: a resend later than that is refused.
     */
    public void resumeMeterEvents(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        StripeProgress.State state = progress.begin(delivery.id());
        exchange.setProperty(KEY_GENERATION, state.keyGeneration());
        exchange.setProperty(BillingDeliveries.PROGRESSED, new java.util.concurrent.atomic.AtomicBoolean());
        JsonNode until = delivery.payload().path("billableUntil");
        if (until.isNumber() && java.time.Instant.now().getEpochSecond() >= until.asLong()) {
            throw new MeterEventsPastFinalizationException("meter events of delivery " + delivery.id() + " ("
                    + usageText(delivery.payload()) + ") are too late: Stripe finalized the invoice of their period at "
                    + java.time.Instant.ofEpochSecond(until.asLong()) + " (period end plus the contract's "
                    + "finalizationGrace) and would bill them on no invoice. Not sent: bill them by hand");
        }
        if (!state.firstAttempt() && state.age().compareTo(METER_EVENT_RESEND_WINDOW) > 0) {
            throw new MeterEventResendRefusedException("meter events of delivery " + delivery.id() + " were first sent "
                    + state.age().toHours() + " h ago; Stripe deduplicates meter event identifiers for 24 h only, so a "
                    + "resend now could count them twice. Not sent: compare the meter's event summaries in Stripe "
                    + "with the delivery and correct by hand");
        }
    }

    /**
     * Platform rates: one meter event per usage summary; its identifier is Stripe's deduplication key. Events Stripe
     * already acknowledged in an earlier attempt are left out, so each attempt gets further.
     */
    public List<VendorCall> meterEvents(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        JsonNode p = delivery.payload();
        java.util.Set<String> sent = progress.meterEventsSent(delivery.id());
        List<VendorCall> calls = new ArrayList<>();
        for (JsonNode usage : p.path("usages")) {
            if (sent.contains(usage.path("identifier").asText())) {
                continue;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("event_name", usage.path("platformRef").asText());
            // Stripe meters take whole numbers: the summary's value keeps the period's rounded cumulative total
            // (PeriodCloseService.insertSummary); a delivery written before values existed rounds up as it did then.
            String value = usage.hasNonNull("value") ? usage.get("value").asText()
                    : new java.math.BigDecimal(usage.path("quantity").asText())
                            .setScale(0, java.math.RoundingMode.CEILING).toPlainString();
            params.put("payload", Map.of("stripe_customer_id", p.path("customer").asText(), "value", value));
            params.put("identifier", usage.path("identifier").asText());
            params.put("timestamp", usage.path("timestamp").asLong());
            // a new key generation keeps the identifier: Stripe still recognises an event it already counted
            calls.add(VendorCall.post("/v1/billing/meter_events", params, key(usage.path("identifier").asText(), exchange)));
        }
        return calls;
    }

    private static String usageText(JsonNode payload) {
        List<String> parts = new ArrayList<>();
        payload.path("usages").forEach(u -> parts.add(u.path("metric").asText() + " " + u.path("quantity").asText()
                + " (" + u.path("identifier").asText() + ")"));
        return String.join(", ", parts);
    }

    /** After a meter event's call returned normally: Stripe holds it (2xx, or its identifier already existed). */
    public void meterEventSent(Exchange exchange) throws SQLException {
        DeliveryMessage delivery = BillingDeliveries.current(exchange);
        String identifier = exchange.getProperty(METER_EVENT_IDENTIFIER, String.class);
        if (delivery != null && identifier != null && progress.meterEventSent(delivery.id(), identifier)) {
            var progressed = exchange.getProperty(BillingDeliveries.PROGRESSED, java.util.concurrent.atomic.AtomicBoolean.class);
            if (progressed != null) {
                progressed.set(true);
            }
        }
    }

    /** Before a meter event's call: remembers its identifier, which the call's answer replaces in the body. */
    public void meterEventSending(Exchange exchange) {
        VendorCall call = exchange.getMessage().getBody(VendorCall.class);
        exchange.setProperty(METER_EVENT_IDENTIFIER, String.valueOf(call.params().get("identifier")));
    }

    static final String METER_EVENT_IDENTIFIER = "meterbridgeMeterEventIdentifier";

    // ---- helpers

    /** The step's key in the delivery's current generation: generation 0 is the plain key. */
    static String key(String base, Exchange exchange) {
        Integer generation = exchange.getProperty(KEY_GENERATION, Integer.class);
        return generation == null || generation == 0 ? base : base + "-g" + generation;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, Object> metadata(DeliveryMessage delivery) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("meterbridge_delivery", delivery.id());
        metadata.put("contract_key", delivery.contractKey());
        if (delivery.payload().hasNonNull("correctionId")) {
            metadata.put("correction_id", delivery.payload().get("correctionId").asText());
        }
        return metadata;
    }
}
