package io.meterbridge.metering;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.platform.consumer.ConsumerFailures;
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
     * content, as it was on the topic), and the batch goes on.
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

    /**
     * Records the batch in one transaction. When PostgreSQL refuses the content of a record (not the connection: see
     * {@link ConsumerFailures}), the batch is split: every event is recorded on its own, the ones refused go to the
     * dead-letter topic with their content and reason, and the others are counted. Any other failure propagates, and
     * the route configuration retries the batch until it succeeds.
     */
    public MeteringService.Outcome record(MeteringService.Enriched batch) throws Exception {
        try {
            return service.record(batch);
        } catch (Exception e) {
            if (!ConsumerFailures.isRecordFailure(e)) {
                throw e;
            }
            return isolate(batch);
        }
    }

    private MeteringService.Outcome isolate(MeteringService.Enriched batch) throws Exception {
        int metered = 0, duplicates = 0, quarantined = 0, late = 0;
        for (MeteredEvent event : batch.events()) {
            try {
                MeteringService.Outcome one = service.record(batch.only(event));
                metered += one.metered();
                duplicates += one.duplicates();
                quarantined += one.quarantined();
                late += one.late();
            } catch (Exception e) {
                if (!ConsumerFailures.isRecordFailure(e)) {
                    throw e;
                }
                deadLetters.refused(event, ConsumerFailures.reason(e));
            }
        }
        return new MeteringService.Outcome(batch.events().size(), metered, duplicates, quarantined, late);
    }
}
