package io.meterbridge.approvals;

import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.meterbridge.platform.ApprovalHandler;
import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;

/** A kind for the four-eyes tests: remembers what was carried out; a payload with "fail" makes the effect fail. */
@ApplicationScoped
public class RecordingApprovalHandler implements ApprovalHandler {

    static final String KIND = "test-recording";

    private final Set<Long> approved = ConcurrentHashMap.newKeySet();
    private final Set<Long> rejected = ConcurrentHashMap.newKeySet();

    // methods, not fields: the test holds the bean's client proxy
    public boolean carriedOut(long id) {
        return approved.contains(id);
    }

    public boolean undone(long id) {
        return rejected.contains(id);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void approved(Connection connection, Approvals.Request request, AuditTrail.Actor approver) {
        if (request.payload().path("fail").asBoolean()) {
            throw new IllegalStateException("the approved effect failed (test)");
        }
        approved.add(request.id());
    }

    @Override
    public void rejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver) {
        rejected.add(request.id());
    }
}
