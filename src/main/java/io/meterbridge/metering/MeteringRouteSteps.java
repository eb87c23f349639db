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

    public MeteringRouteSteps(ObjectMapper mapper, MeteringService service) {
        this.mapper = mapper;
        this.service = service;
    }

    /** The accepted topic only holds events the hub validated: a record that does not parse is a bug, so it fails. */
    public List<MeteredEvent> read(List<Exchange> records) throws IOException {
        List<MeteredEvent> events = new ArrayList<>(records.size());
        for (Exchange record : records) {
            events.add(MeteredEvent.of(mapper.readTree(record.getMessage().getBody(byte[].class))));
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
