package io.meterbridge.metering;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.masterdata.MasterDataChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.jboss.logging.Logger;

/**
 * Events that could not be attributed (unknown tenant, metric or contract) wait here, whole. They are re-processed
 * through the same metering steps when master data changes, or on demand; those attributed then are counted
 * (exactly once, by the same idempotency key) and leave quarantine.
 */
@jakarta.inject.Named("quarantineService")
@ApplicationScoped
public class QuarantineService {

    private static final Logger LOG = Logger.getLogger(QuarantineService.class);
    private static final int PAGE = 1000;

    private final DataSource dataSource;
    private final MeteringService metering;
    private final ObjectMapper mapper;

    public QuarantineService(DataSource dataSource, MeteringService metering, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.metering = metering;
        this.mapper = mapper;
    }

    public record QuarantinedEvent(String source, String id, String subject, String type, Instant time,
            String reasonCode, String reason, Instant quarantinedAt, int attempts) {
    }

    public record Release(int examined, int released, int stillQuarantined) {
    }

    public List<QuarantinedEvent> list(String subject, String reasonCode, int limit) throws SQLException {
        List<QuarantinedEvent> events = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                SELECT source, event_id, subject, event_type, event_time, reason_code, reason, quarantined_at, attempts
                FROM quarantined_event WHERE (?::text IS NULL OR subject = ?) AND (?::text IS NULL OR reason_code = ?)
                ORDER BY quarantined_at, source, event_id LIMIT ?""")) {
            select.setString(1, subject);
            select.setString(2, subject);
            select.setString(3, reasonCode);
            select.setString(4, reasonCode);
            select.setInt(5, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new QuarantinedEvent(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getTimestamp(5).toInstant(), rows.getString(6), rows.getString(7),
                            rows.getTimestamp(8).toInstant(), rows.getInt(9)));
                }
            }
        }
        return events;
    }

    /** Re-processes quarantined events (of one subject, or all), page by page. */
    public synchronized Release release(String subject) throws Exception {
        int examined = 0, still = 0;
        String lastSource = "", lastId = "";
        while (true) {
            List<MeteredEvent> page = new ArrayList<>();
            try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement("""
                    SELECT source, event_id, event::text FROM quarantined_event
                    WHERE (?::text IS NULL OR subject = ?) AND (source, event_id) > (?, ?)
                    ORDER BY source, event_id LIMIT ?""")) {
                select.setString(1, subject);
                select.setString(2, subject);
                select.setString(3, lastSource);
                select.setString(4, lastId);
                select.setInt(5, PAGE);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        lastSource = rows.getString(1);
                        lastId = rows.getString(2);
                        page.add(MeteredEvent.of(mapper.readTree(rows.getString(3))));
                    }
                }
            }
            if (page.isEmpty()) {
                break;
            }
            MeteringService.Outcome outcome = metering.record(metering.enrich(page), true);
            examined += page.size();
            still += outcome.quarantined();
        }
        Release release = new Release(examined, examined - still, still);
        if (examined > 0) {
            LOG.infof("Quarantine release: %s", release);
        }
        return release;
    }

    /** The safety net of the timer route quarantine-release: catches what a change-triggered release raced past. */
    public Release releaseAll() throws Exception {
        return release(null);
    }

    /** A master-data change may make quarantined events attributable: try them again, off the caller's thread. */
    void onMasterDataChanged(@ObservesAsync MasterDataChanged change) throws Exception {
        release(null);
    }
}
