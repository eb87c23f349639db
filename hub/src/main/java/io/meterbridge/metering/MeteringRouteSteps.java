package io.meterbridge.metering;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/** The metering route's steps (routes/metering.yaml): read the polled records, enrich, record. */
@Named("metering")
@ApplicationScoped
public class MeteringRouteSteps {

    private final ObjectMapper mapper;
    private final MeteringService service;
    private final UnreadableRecords deadLetters;

    public MeteringRouteSteps(ObjectMapper mapper, MeteringService service, UnreadableRecords deadLetters) {
        this.mapper = mapper;
        this.service = service;
        this.deadLetters = deadLetters;
    }

    /**
     * The accepted topic holds events the hub validated. A record that is not one (written there by something else)
     * must neither block its partition nor vanish: it goes to the dead-letter topic, by position and digest only (its
     * content was never checked for personal data), and the batch goes on.
     */
    public List<MeteredEvent> read(List<Exchange> records) throws Exception {
        List<MeteredEvent> events = new ArrayList<>(records.size());
        for (Exchange record : records) {
            byte[] value = record.getMessage().getBody(byte[].class);
            try {
                events.add(MeteredEvent.of(mapper.readTree(value)));
            } catch (IOException | RuntimeException e) {
                deadLetters.unreadable(record, value, e);
            }
        }
        return events;
    }

    public MeteringService.Enriched enrich(List<MeteredEvent> events) {
        return service.enrich(events);
    }

    public MeteringService.Outcome record(MeteringService.Enriched batch) throws Exception {
        return service.record(batch);
    }
}
