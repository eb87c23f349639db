package io.meterbridge.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.ingest.SourceRegistry.Source;
import io.meterbridge.ingest.Submission.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The front door of {@code POST /api/v1/events}: the size limit first (before any HMAC is computed), then the
 * producer's credentials (an unauthenticated request writes nothing), then content type and JSON; the parsed events go
 * on as a submission. Structured mode (the body is the event or a batch) and binary mode ({@code ce-*} headers, the
 * body is the data) both arrive here.
 */
@Named("httpIngestGate")
@ApplicationScoped
public class HttpIngestGate {

    /** Exchange property that keeps the signing source for the error handler's dead letter. */
    public static final String SIGNING_SOURCE = "meterbridgeSigningSource";
    public static final String RECEIVED_AT = "meterbridgeReceivedAt";

    private final SignedSourceResolver resolver;
    private final EventBodyParser parser;
    private final ObjectMapper mapper;

    public HttpIngestGate(SignedSourceResolver resolver, EventBodyParser parser, ObjectMapper mapper) {
        this.resolver = resolver;
        this.parser = parser;
        this.mapper = mapper;
    }

    public List<Submission> admit(Exchange exchange) {
        Instant receivedAt = Instant.now();
        exchange.setProperty(RECEIVED_AT, receivedAt);
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (!"POST".equalsIgnoreCase(method)) {
            throw new RequestRejectedException(405, RejectionReason.of("method", method + " is not served here; POST events"), false);
        }
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        parser.checkSizeBeforeAuthentication(body.length);
        Map<String, String> binary = CloudEventsBinding.attributes(in.getHeaders(), CloudEventsBinding.HTTP_PREFIX);
        String named = in.getHeader(SignedSourceResolver.SOURCE_HEADER, String.class);
        if (named == null && !binary.isEmpty()) {
            named = binary.get("source");
        }
        Source source = resolver.authenticate(in.getHeader(SignedSourceResolver.AUTHORIZATION_HEADER, String.class),
                in.getHeader(SignatureVerifier.HEADER, String.class), named,
                binary.isEmpty() ? body : CloudEventsBinding.signedPayload(binary, body), receivedAt);
        exchange.setProperty(SIGNING_SOURCE, source.id());
        String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!binary.isEmpty()) {
            return List.of(Submission.admitted(Channel.HTTP, source.id(),
                    List.of(CloudEventsBinding.event(mapper, binary, contentType, body)), receivedAt));
        }
        return List.of(Submission.admitted(Channel.HTTP, source.id(), parser.parse(body, parser.mediaType(contentType)),
                receivedAt));
    }
}
