package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.SQLException;

import io.meterbridge.platform.ApprovalHandler;
import io.meterbridge.platform.Approvals;
import io.meterbridge.platform.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;

/** Carries out an approved (or rejected) decision on a HELD late-usage correction (see {@link Corrections#decide}). */
@ApplicationScoped
public class LateUsageDecisionHandler implements ApprovalHandler {

    private final Corrections corrections;

    public LateUsageDecisionHandler(Corrections corrections) {
        this.corrections = corrections;
    }

    @Override
    public String kind() {
        return Corrections.DECISION_KIND;
    }

    @Override
    public void approved(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        corrections.decisionApproved(connection, request, approver);
    }

    @Override
    public void rejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
        corrections.decisionRejected(connection, request, approver);
    }
}
