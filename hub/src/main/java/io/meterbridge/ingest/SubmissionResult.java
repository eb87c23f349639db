package io.meterbridge.ingest;

import java.util.List;

/** What became of one submission's events: the body of the ingest API's response. */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record SubmissionResult(int accepted, int duplicates, List<Rejected> rejected, String error) {

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Rejected(String id, String reason) {
    }

    public boolean allRejected() {
        return accepted == 0 && duplicates == 0 && (!rejected.isEmpty() || error != null);
    }
}
