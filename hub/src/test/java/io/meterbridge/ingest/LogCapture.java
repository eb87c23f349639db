package io.meterbridge.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every log line the application writes while it is open (JBoss LogManager is the JUL implementation here). */
final class LogCapture extends Handler {

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    static LogCapture start() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    List<String> stop() {
        Logger.getLogger("").removeHandler(this);
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(record.getLoggerName() == null ? "" : record.getLoggerName()).append(' ');
        // The format and its parameters, unformatted: a personal value in either shows.
        line.append(record.getMessage());
        Object[] parameters = record.getParameters();
        if (parameters != null) {
            for (Object parameter : parameters) {
                line.append(' ').append(parameter);
            }
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            line.append(' ').append(t);
        }
        lines.add(line.toString());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
