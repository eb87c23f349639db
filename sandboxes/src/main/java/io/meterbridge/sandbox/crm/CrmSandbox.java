package io.meterbridge.sandbox.crm;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * State of the built-in CRM sandbox, in memory and thread-safe (every method is synchronized; the sandbox is a
 * simulation, not a hot path): the created tasks with their unique external ids, the fault switches and a bounded
 * journal of the requests received.
 */
@ApplicationScoped
public class CrmSandbox {

    static final int JOURNAL_LIMIT = 1000;

    /** Fault switches, replaced whole by PUT /_sandbox/faults. */
    public record Faults(int rateLimitNext, int retryAfterSeconds, int serverErrorNext, int serverErrorStatus,
            long delayMs, boolean down) {

        public static Faults none() {
            return new Faults(0, 1, 0, 503, 0, false);
        }

        Faults normalized() {
            return new Faults(Math.max(0, rateLimitNext), Math.max(0, retryAfterSeconds), Math.max(0, serverErrorNext),
                    serverErrorStatus >= 500 && serverErrorStatus <= 599 ? serverErrorStatus : 503,
                    Math.max(0, Math.min(delayMs, 60_000)), down);
        }
    }

    /** What the fault switches decide for one request. */
    public record Fault(Kind kind, int status, int retryAfterSeconds, long delayMs) {

        public enum Kind {
            NONE, DOWN, RATE_LIMITED, SERVER_ERROR
        }
    }

    /** A request as the journal keeps it: the Authorization header masked. */
    public record RecordedRequest(long seq, Instant receivedAt, String method, String path,
            Map<String, String> headers, String body, int status) {
    }

    private final Map<String, ObjectNode> tasks = new LinkedHashMap<>();
    private final Map<String, String> taskIdByAlertKey = new LinkedHashMap<>();
    private final Deque<RecordedRequest> journal = new ArrayDeque<>();
    private Faults faults = Faults.none();
    private long nextTaskNumber = 1;
    private long nextSeq = 1;

    public synchronized Faults faults() {
        return faults;
    }

    public synchronized Faults faults(Faults replacement) {
        faults = replacement == null ? Faults.none() : replacement.normalized();
        return faults;
    }

    /** Consumes the switches for one request: down, then the next rate-limited, then the next server errors. */
    synchronized Fault nextFault() {
        if (faults.down()) {
            return new Fault(Fault.Kind.DOWN, 503, 0, faults.delayMs());
        }
        if (faults.rateLimitNext() > 0) {
            faults = new Faults(faults.rateLimitNext() - 1, faults.retryAfterSeconds(), faults.serverErrorNext(),
                    faults.serverErrorStatus(), faults.delayMs(), false);
            return new Fault(Fault.Kind.RATE_LIMITED, 429, faults.retryAfterSeconds(), faults.delayMs());
        }
        if (faults.serverErrorNext() > 0) {
            faults = new Faults(faults.rateLimitNext(), faults.retryAfterSeconds(), faults.serverErrorNext() - 1,
                    faults.serverErrorStatus(), faults.delayMs(), false);
            return new Fault(Fault.Kind.SERVER_ERROR, faults.serverErrorStatus(), 0, faults.delayMs());
        }
        return new Fault(Fault.Kind.NONE, 0, 0, faults.delayMs());
    }

    /** Creates the task, or returns the id of the task that already holds its external id (then nothing is created). */
    synchronized Created create(ObjectNode fields, String alertKey) {
        if (alertKey != null) {
            String existing = taskIdByAlertKey.get(alertKey);
            if (existing != null) {
                return new Created(existing, false);
            }
        }
        String id = String.format("00T%012dAAA", nextTaskNumber++);
        ObjectNode task = fields.deepCopy();
        task.put("Id", id);
        task.put("CreatedDate", Instant.now().toString());
        tasks.put(id, task);
        if (alertKey != null) {
            taskIdByAlertKey.put(alertKey, id);
        }
        return new Created(id, true);
    }

    record Created(String id, boolean created) {
    }

    public synchronized ObjectNode task(String id) {
        ObjectNode task = tasks.get(id);
        return task == null ? null : task.deepCopy();
    }

    public synchronized List<ObjectNode> tasks() {
        return tasks.values().stream().map(ObjectNode::deepCopy).toList();
    }

    synchronized void record(String method, String path, Map<String, String> headers, String body, int status) {
        if (journal.size() >= JOURNAL_LIMIT) {
            journal.removeFirst();
        }
        journal.addLast(new RecordedRequest(nextSeq++, Instant.now(), method, path, headers, body, status));
    }

    public synchronized List<RecordedRequest> requests() {
        return new ArrayList<>(journal);
    }

    public synchronized void clearRequests() {
        journal.clear();
    }
}
