package io.meterbridge.platform.consumer;

import java.sql.SQLException;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Tells the two kinds of failure of a consumer batch apart. A record failure is caused by the content of one record
 * (PostgreSQL refuses the value: data exception, integrity violation, a value too large for an index): retrying the
 * batch cannot help, so the batch is split and only the failing record is dead-lettered. Everything else (the
 * database or the broker unreachable, a pool timeout, a bug) means the hub cannot write: the batch is retried from
 * the same records until it succeeds, and the consumer does not move past it.
 */
public final class ConsumerFailures {

    private ConsumerFailures() {
    }

    public static boolean isRecordFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                // 22 data exception (NUL, overflow, bad encoding), 23 integrity constraint, 54 program limit
                // exceeded (index row too large). Class 08, 53, 57 and no state at all are the database, not the row.
                return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
            }
            if (cause instanceof JsonProcessingException || cause instanceof ArithmeticException
                    || cause instanceof NumberFormatException) {
                return true;
            }
        }
        return false;
    }

    /** A reason naming the kind of refusal, never the value (it may be personal). */
    public static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return "PostgreSQL refused the record (SQLSTATE " + sql.getSQLState() + ")";
            }
            if (cause instanceof JsonProcessingException || cause instanceof ArithmeticException
                    || cause instanceof NumberFormatException) {
                return "the record could not be processed: " + cause.getClass().getSimpleName();
            }
        }
        return "the record could not be processed: " + failure.getClass().getSimpleName();
    }
}
