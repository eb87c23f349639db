package io.meterbridge.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.platform.EventProducer;
import io.meterbridge.platform.HubConfig;
import io.meterbridge.ingest.EventValidator.RejectedEvent;
import io.meterbridge.ingest.EventValidator.ValidEvent;
import io.meterbridge.platform.consumer.ConsumerFailures;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Ingestion of a batch of submissions as one unit of work: validate and tokenize every event, then in ONE
 * PostgreSQL transaction claim the (source, id) pairs never accepted before, produce the newly claimed events to the
 * accepted topic and every rejection to the dead-letter topic, wait for Kafka's acknowledgements, and only then
 * commit. If anything fails the claims roll back, so a retried event is accepted once, never zero times.
 */
@jakarta.inject.Named("ingestService")
@ApplicationScoped
public class IngestService {

    private static final long KAFKA_ACK_TIMEOUT_SECONDS = 30;

    private final DataSource dataSource;
    private final EventValidator validator;
    private final EventProducer producer;
    private final IngestMetrics metrics;
    private final ObjectMapper mapper;
    private final HubConfig.Topics topics;

    public IngestService(DataSource dataSource, EventValidator validator, EventProducer producer, IngestMetrics metrics,
            ObjectMapper mapper, HubConfig config) {
        this.dataSource = dataSource;
        this.validator = validator;
        this.producer = producer;
        this.metrics = metrics;
        this.mapper = mapper;
        this.topics = config.topics();
    }

    record Candidate(int submission, ValidEvent event, String key) {
        Candidate(int submission, ValidEvent event) {
            this(submission, event, event.source() + '\u0000' + event.id());
        }
    }

    record DeadLetter(int submission, ObjectNode record, String key, String reasonCode) {
    }

    static final class Tally {
        int accepted;
        int duplicates;
        final List<SubmissionResult.Rejected> rejected = new ArrayList<>();
        String error;
    }

    /** A batch after validation, before anything is written: what the message translator step hands on. */
    public static final class ValidatedBatch {
        final List<Submission> submissions;
        final List<Tally> tallies = new ArrayList<>();
        final List<Candidate> candidates = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();

        ValidatedBatch(List<Submission> submissions) {
            this.submissions = submissions;
        }
    }

    /** Validation and ingestion in one call (the raw-topic route and the error handler use the steps too). */
    public List<SubmissionResult> ingest(List<Submission> submissions) throws Exception {
        return publish(validate(submissions));
    }

    /** Validates and tokenizes every event; rejects become dead letters, batch-internal repeats duplicates. */
    public ValidatedBatch validate(List<Submission> submissions) {
        ValidatedBatch batch = new ValidatedBatch(submissions);
        List<Tally> tallies = batch.tallies;
        List<Candidate> candidates = batch.candidates;
        List<DeadLetter> deadLetters = batch.deadLetters;
        Set<String> seenInBatch = new HashSet<>();

        for (int s = 0; s < submissions.size(); s++) {
            Submission submission = submissions.get(s);
            Tally tally = new Tally();
            tallies.add(tally);
            if (submission.isRejected()) {
                tally.error = submission.rejection().detail();
                deadLetters.add(new DeadLetter(s, submissionDeadLetter(submission), submission.signingSource(),
                        submission.rejection().code()));
                continue;
            }
            List<JsonNode> events = submission.events();
            String receivedAtText = submission.receivedAt().toString();
            for (int i = 0; i < events.size(); i++) {
                EventValidator.Outcome outcome = validator.validate(events.get(i), i, submission.signingSource(),
                        submission.receivedAt(), receivedAtText);
                if (outcome instanceof EventValidator.Valid valid) {
                    Candidate candidate = new Candidate(s, valid.event());
                    if (seenInBatch.add(candidate.key())) {
                        candidates.add(candidate);
                    } else {
                        tally.duplicates++;
                    }
                } else if (outcome instanceof EventValidator.Invalid invalid) {
                    RejectedEvent rejected = invalid.event();
                    tally.rejected.add(new SubmissionResult.Rejected(rejected.id(), rejected.reason().detail()));
                    // Keyed by the signing source: a mismatched claimed source must not pick the partition.
                    deadLetters.add(new DeadLetter(s, eventDeadLetter(submission, rejected),
                            submission.signingSource(), rejected.reason().code()));
                }
            }
        }

        return batch;
    }

    /**
     * Idempotent consumer and dead letter channel in one transaction: claims, produces, waits for acks, commits.
     * Returns one result per submission.
     */
    public List<SubmissionResult> publish(ValidatedBatch batch) throws Exception {
        List<Submission> submissions = batch.submissions;
        List<Tally> tallies = batch.tallies;
        List<Candidate> candidates = batch.candidates;
        List<DeadLetter> deadLetters = batch.deadLetters;
        BitSet claimed;
        try {
            claimed = claimAndPublish(candidates, deadLetters);
        } catch (Exception e) {
            if (!ConsumerFailures.isRecordFailure(e)) {
                throw e;
            }
            claimed = claimOneByOne(batch, ConsumerFailures.reason(e));
        }

        for (int c = 0; c < candidates.size(); c++) {
            Candidate candidate = candidates.get(c);
            Tally tally = tallies.get(candidate.submission());
            if (claimed.get(c)) {
                tally.accepted++;
            } else {
                tally.duplicates++;
            }
        }
        List<SubmissionResult> results = new ArrayList<>();
        for (int s = 0; s < submissions.size(); s++) {
            Tally tally = tallies.get(s);
            Submission.Channel channel = submissions.get(s).channel();
            metrics.accepted(channel, tally.accepted);
            metrics.duplicates(channel, tally.duplicates);
            results.add(new SubmissionResult(tally.accepted, tally.duplicates, List.copyOf(tally.rejected), tally.error));
        }
        for (DeadLetter deadLetter : deadLetters) {
            metrics.deadLettered(submissions.get(deadLetter.submission()).channel(), deadLetter.reasonCode());
        }
        return results;
    }

    /**
     * PostgreSQL refused the content of an event the validator let through: each event is claimed on its own, the
     * refused ones become dead letters with their reason (and are reported as rejected), the others go on. The
     * batch is never refused whole for one event, and never retried for ever.
     */
    private BitSet claimOneByOne(ValidatedBatch batch, String firstReason) throws Exception {
        List<Candidate> candidates = batch.candidates;
        List<DeadLetter> refused = new ArrayList<>();
        BitSet claimed = new BitSet(candidates.size());
        for (int c = 0; c < candidates.size(); c++) {
            Candidate candidate = candidates.get(c);
            try {
                if (claimAndPublish(List.of(candidate), List.of()).get(0)) {
                    claimed.set(c);
                }
            } catch (Exception e) {
                if (!ConsumerFailures.isRecordFailure(e)) {
                    throw e;
                }
                Submission submission = batch.submissions.get(candidate.submission());
                RejectionReason reason = RejectionReason.of("refused_by_storage", ConsumerFailures.reason(e));
                batch.tallies.get(candidate.submission()).rejected
                        .add(new SubmissionResult.Rejected(candidate.event().id(), reason.detail()));
                ObjectNode record = deadLetterHeader(submission, reason);
                record.put("source", candidate.event().source());
                record.put("id", candidate.event().id());
                record.set("event", candidate.event().event());
                refused.add(new DeadLetter(candidate.submission(), record, submission.signingSource(), reason.code()));
            }
        }
        claimAndPublish(List.of(), concat(batch.deadLetters, refused));
        batch.deadLetters.addAll(refused);
        return claimed;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private BitSet claimAndPublish(List<Candidate> candidates, List<DeadLetter> deadLetters) throws SQLException, JsonProcessingException, InterruptedException,
            ExecutionException, TimeoutException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // The claim only decides what a retry is told (duplicate or accepted); durability is Kafka's acks.
                // A claim lost to a database crash lets a retried event into the topic twice, and metering (keyed by
                // source and id) still counts it once. So the claim need not wait for its WAL flush.
                try (java.sql.Statement relaxed = connection.createStatement()) {
                    relaxed.execute("SET LOCAL synchronous_commit TO OFF");
                }
                BitSet claimed = candidates.isEmpty() ? new BitSet() : claim(connection, candidates);
                List<Future<RecordMetadata>> acks = new ArrayList<>(claimed.cardinality() + deadLetters.size());
                for (int c = claimed.nextSetBit(0); c >= 0; c = claimed.nextSetBit(c + 1)) {
                    ValidEvent event = candidates.get(c).event();
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.accepted(), event.subject(),
                            mapper.writeValueAsBytes(event.event()));
                    record.headers().add("meterbridge-source", event.source().getBytes(StandardCharsets.UTF_8));
                    record.headers().add("meterbridge-schema", event.schemaRef().getBytes(StandardCharsets.UTF_8));
                    acks.add(producer.send(record));
                }
                for (DeadLetter deadLetter : deadLetters) {
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.deadLetter(), deadLetter.key(),
                            mapper.writeValueAsBytes(deadLetter.record()));
                    record.headers().add("meterbridge-reason", deadLetter.reasonCode().getBytes(StandardCharsets.UTF_8));
                    acks.add(producer.send(record));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(KAFKA_ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
                connection.commit();
                return claimed;
            } catch (Exception e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Claims the pairs never accepted before, in one statement; returns the positions this call claimed. */
    private static BitSet claim(Connection connection, List<Candidate> candidates) throws SQLException {
        int n = candidates.size();
        String[] sources = new String[n];
        String[] ids = new String[n];
        String[] schemas = new String[n];
        String[] times = new String[n];
        for (int i = 0; i < n; i++) {
            ValidEvent event = candidates.get(i).event();
            sources[i] = event.source();
            ids[i] = event.id();
            schemas[i] = event.schemaRef();
            times[i] = event.time().toString();
        }
        BitSet claimed = new BitSet(n);
        java.util.Map<String, Integer> positions = new java.util.HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            positions.put(candidates.get(i).key(), i);
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO ingested_event (source, event_id, schema_ref, event_time)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[])
                ON CONFLICT (source, event_id) DO NOTHING
                RETURNING source, event_id""")) {
            insert.setArray(1, connection.createArrayOf("text", sources));
            insert.setArray(2, connection.createArrayOf("text", ids));
            insert.setArray(3, connection.createArrayOf("text", schemas));
            insert.setArray(4, connection.createArrayOf("text", times));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    claimed.set(positions.get(rows.getString(1) + '\u0000' + rows.getString(2)));
                }
            }
        }
        return claimed;
    }

    private ObjectNode eventDeadLetter(Submission submission, RejectedEvent rejected) {
        ObjectNode record = deadLetterHeader(submission, rejected.reason());
        record.put("source", rejected.source());
        record.put("id", rejected.id());
        record.set("event", rejected.event());
        return record;
    }

    /** A submission refused whole: its events tokenized when the body parses, else only its size and digest. */
    private ObjectNode submissionDeadLetter(Submission submission) {
        ObjectNode record = deadLetterHeader(submission, submission.rejection());
        record.put("source", submission.signingSource());
        byte[] body = submission.rejectedBody();
        if (body != null) {
            record.put("bodyBytes", body.length);
            record.put("bodySha256", sha256(body));
            // An oversized body would not fit in a Kafka record: its digest identifies it to the producer.
            JsonNode tokenized = submission.rejection().code().startsWith("too_") ? null : validator.tokenizedCopy(body, submission.signingSource());
            if (tokenized != null) {
                record.set("events", tokenized);
            }
        }
        return record;
    }

    private ObjectNode deadLetterHeader(Submission submission, RejectionReason reason) {
        ObjectNode record = mapper.createObjectNode();
        record.put("reason", reason.detail());
        record.put("code", reason.code());
        record.put("channel", submission.channel().tag());
        record.put("receivedAt", submission.receivedAt().toString());
        record.put("rejectedAt", Instant.now().toString());
        return record;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
