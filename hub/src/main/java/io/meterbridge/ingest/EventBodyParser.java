package io.meterbridge.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.platform.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads a body the way OpenMeter's ingest API does: {@code application/cloudevents+json} is one event,
 * {@code application/cloudevents-batch+json} an array, {@code application/json} either.
 */
@ApplicationScoped
public class EventBodyParser {

    public static final String SINGLE = "application/cloudevents+json";
    public static final String BATCH = "application/cloudevents-batch+json";
    public static final String JSON = "application/json";
    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("'[^']{2,}'");

    private final ObjectMapper mapper;
    private final HubConfig config;

    public EventBodyParser(ObjectMapper mapper, HubConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** The media type without parameters, lower case; throws 415 when the hub does not take it. */
    public String mediaType(String contentType) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(SINGLE) && !mediaType.equals(BATCH) && !mediaType.equals(JSON)) {
            throw new RequestRejectedException(415, RejectionReason.of("content_type",
                    "Content-Type: '" + (contentType == null ? "" : contentType) + "' is not accepted; send "
                            + SINGLE + ", " + BATCH + " or " + JSON), true);
        }
        return mediaType;
    }

    /** Throws 413 when the body is over the configured limit. */
    public void checkSize(int bodyBytes) {
        int limit = config.ingest().maxBodyBytes();
        if (bodyBytes > limit) {
            throw new RequestRejectedException(413, RejectionReason.of("too_large",
                    "body: " + bodyBytes + " bytes is over the limit of " + limit + " bytes"), true);
        }
    }

    /**
     * The size limit checked before the producer is authenticated, so that no HMAC is ever computed over an oversized
     * body: refused without a dead letter (the sender is not known yet), counted as refused.
     */
    public void checkSizeBeforeAuthentication(int bodyBytes) {
        int limit = config.ingest().maxBodyBytes();
        if (bodyBytes > limit) {
            throw new RequestRejectedException(413, RejectionReason.of("too_large",
                    "body: " + bodyBytes + " bytes is over the limit of " + limit + " bytes"), false);
        }
    }

    public List<JsonNode> parse(byte[] body, String mediaType) {
        checkSize(body.length);
        if (body.length == 0) {
            throw malformed("body: empty; send one CloudEvent or an array of them");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            // Jackson quotes the offending text ("Unrecognized token 'alice'"): it may be personal, so it is cut out.
            throw malformed("body: malformed JSON" + where + ": " + QUOTED.matcher(e.getOriginalMessage()).replaceAll("'…'"));
        } catch (IOException e) {
            throw malformed("body: unreadable: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw malformed("body: empty; send one CloudEvent or an array of them");
        }
        List<JsonNode> events = new ArrayList<>();
        if (root.isArray()) {
            if (mediaType.equals(SINGLE)) {
                throw malformed("body: " + SINGLE + " takes one event object; send arrays as " + BATCH);
            }
            root.forEach(events::add);
        } else if (root.isObject()) {
            if (mediaType.equals(BATCH)) {
                throw malformed("body: " + BATCH + " takes a JSON array of events");
            }
            events.add(root);
        } else {
            throw malformed("body: expected a CloudEvent object or an array of them, got a JSON " + root.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        if (events.isEmpty()) {
            throw malformed("body: the batch is empty");
        }
        int maxEvents = config.ingest().maxEventsPerBatch();
        if (events.size() > maxEvents) {
            throw new RequestRejectedException(413, RejectionReason.of("too_many_events",
                    "body: " + events.size() + " events is over the limit of " + maxEvents + " per batch"), true);
        }
        return events;
    }

    private static RequestRejectedException malformed(String detail) {
        return new RequestRejectedException(400, RejectionReason.of("malformed", detail), true);
    }
}
