package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meterbridge.ingest.Submission.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The raw-topic twin of {@link HttpIngestGate}: each record carries a body like the HTTP API's and the signature in
 * a {@code Meterbridge-Signature} record header. A record that fails any check is dead-lettered, never dropped: it
 * is already in a topic the hub consumes, and its producer gets no answer to read.
 */
@Named("kafkaIngestGate")
@ApplicationScoped
public class KafkaIngestGate {

    private final SignedSourceResolver resolver;
    private final EventBodyParser parser;
    private final ObjectMapper mapper;

    public KafkaIngestGate(SignedSourceResolver resolver, EventBodyParser parser, ObjectMapper mapper) {
        this.resolver = resolver;
        this.parser = parser;
        this.mapper = mapper;
    }

    /** One submission per polled record, in offset order. */
    public List<Submission> admit(List<Exchange> records) {
        List<Submission> submissions = new ArrayList<>(records.size());
        for (Exchange record : records) {
            submissions.add(admitRecord(record.getMessage()));
        }
        return submissions;
    }

    private Submission admitRecord(Message record) {
        Instant receivedAt = Instant.now();
        byte[] body = record.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        Long timestamp = record.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        Instant reference = timestamp == null ? receivedAt : Instant.ofEpochMilli(timestamp);
        String source = null;
        try {
            parser.checkSizeBeforeAuthentication(body.length);
            // Kafka binding of CloudEvents: binary mode puts the attributes in ce_* record headers.
            Map<String, String> binary = CloudEventsBinding.attributes(record.getHeaders(), CloudEventsBinding.KAFKA_PREFIX);
            String named = header(record, SignedSourceResolver.SOURCE_HEADER);
            if (named == null && !binary.isEmpty()) {
                named = binary.get("source");
            }
            source = resolver.authenticate(header(record, SignedSourceResolver.AUTHORIZATION_HEADER),
                    header(record, SignatureVerifier.HEADER), named,
                    binary.isEmpty() ? body : CloudEventsBinding.signedPayload(binary, body), reference).id();
            String contentType = header(record, "content-type");
            if (!binary.isEmpty()) {
                return Submission.admitted(Channel.KAFKA, source,
                        List.of(CloudEventsBinding.event(mapper, binary, contentType == null ? EventBodyParser.JSON : contentType, body)),
                        receivedAt);
            }
            String mediaType = parser.mediaType(contentType == null ? EventBodyParser.JSON : contentType);
            return Submission.admitted(Channel.KAFKA, source, parser.parse(body, mediaType), receivedAt);
        } catch (RequestRejectedException rejection) {
            return Submission.rejected(Channel.KAFKA, source, rejection.reason(), body, receivedAt);
        }
    }

    private static String header(Message record, String name) {
        Object value = record.getHeader(name);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }
}
