package io.meterbridge.ingest;

import java.time.Instant;
import java.util.List;

import io.meterbridge.ingest.Submission.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The front door of {@code POST /api/v1/events}: authenticates the signature first (an unauthenticated request
 * writes nothing), then checks content type, size and JSON, and hands the parsed events on as a submission.
 */
@Named("httpIngestGate")
@ApplicationScoped
public class HttpIngestGate {

    /** Exchange property that keeps the signing source for the error handler's dead letter. */
    public static final String SIGNING_SOURCE = "meterbridgeSigningSource";
    public static final String RECEIVED_AT = "meterbridgeReceivedAt";

    private final SignedSourceResolver resolver;
    private final EventBodyParser parser;

    public HttpIngestGate(SignedSourceResolver resolver, EventBodyParser parser) {
        this.resolver = resolver;
        this.parser = parser;
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
        String source = resolver.signingSource(in.getHeader(SignatureVerifier.HEADER, String.class),
                in.getHeader(SignedSourceResolver.SOURCE_HEADER, String.class), body, receivedAt);
        exchange.setProperty(SIGNING_SOURCE, source);
        String mediaType = parser.mediaType(in.getHeader(Exchange.CONTENT_TYPE, String.class));
        return List.of(Submission.admitted(Channel.HTTP, source, parser.parse(body, mediaType), receivedAt));
    }
}
