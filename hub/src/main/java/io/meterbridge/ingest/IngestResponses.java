package io.meterbridge.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.ingest.Submission.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

/** Turns ingestion outcomes into the HTTP answers documented in docs/api/ingest.md. */
@Named("ingestResponses")
@ApplicationScoped
public class IngestResponses {

    private static final Logger LOG = Logger.getLogger(IngestResponses.class);

    private final ObjectMapper mapper;
    private final IngestService ingestService;
    private final IngestMetrics metrics;

    public IngestResponses(ObjectMapper mapper, IngestService ingestService, IngestMetrics metrics) {
        this.mapper = mapper;
        this.ingestService = ingestService;
        this.metrics = metrics;
    }

    /** 202 when at least one event was accepted or was a duplicate, 400 when every event was rejected. */
    public void outcome(Exchange exchange) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        List<SubmissionResult> results = exchange.getMessage().getBody(List.class);
        SubmissionResult result = results.get(0);
        respond(exchange.getMessage(), result.allRejected() ? 400 : 202, result);
    }

    /**
     * A request turned away whole. Failed authentication writes nothing; anything else from an authenticated
     * source is dead-lettered (with its reason) before the answer goes out.
     */
    public void requestRejected(Exchange exchange) throws Exception {
        RequestRejectedException rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RequestRejectedException.class);
        Message message = exchange.getMessage();
        if (rejection.deadLettered()) {
            Instant receivedAt = exchange.getProperty(HttpIngestGate.RECEIVED_AT, Instant.class);
            byte[] body = message.getBody(byte[].class);
            ingestService.ingest(List.of(Submission.rejected(Channel.HTTP,
                    exchange.getProperty(HttpIngestGate.SIGNING_SOURCE, String.class), rejection.reason(), body,
                    receivedAt == null ? Instant.now() : receivedAt)));
        } else {
            metrics.refused(Channel.HTTP, rejection.reason().code());
        }
        if (rejection.status() == 405) {
            message.setHeader("Allow", "POST");
        }
        if (rejection.status() == 401) {
            message.setHeader("WWW-Authenticate", "Meterbridge-Signature");
        }
        respond(message, rejection.status(), new SubmissionResult(0, 0, List.of(), rejection.reason().detail()));
    }

    /** The hub could not make the events durable (Kafka or PostgreSQL unavailable): nothing was accepted. */
    public void unavailable(Exchange exchange) throws JsonProcessingException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.errorf(cause, "Ingestion failed; the producer will retry");
        Message message = exchange.getMessage();
        message.setHeader("Retry-After", "5");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 503);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(mapper.writeValueAsBytes(Map.of("error",
                "events could not be made durable; nothing was accepted, retry the same request")));
    }

    private void respond(Message message, int status, SubmissionResult result) throws JsonProcessingException {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(mapper.writeValueAsBytes(result));
    }
}
