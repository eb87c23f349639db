package io.meterbridge.platform;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What an approved (or rejected) request of one kind does. The stage that owns the kind implements it as a CDI bean;
 * {@link Approvals} calls it inside the transaction that records the decision, so the decision and its effect commit
 * together or not at all.
 */
public interface ApprovalHandler {

    /** The request kind this handler acts on, e.g. {@code rerate}, {@code adjustment}, {@code price-publication}. */
    String kind();

    /** Carries out what was approved: issues the documents, publishes the price version... */
    void approved(Connection connection, Approvals.Request request, AuditTrail.Actor approver) throws SQLException;

    /** Undoes what the request held back, if anything (a held correction returns to its queue, for example). */
    default void rejected(Connection connection, Approvals.Request request, AuditTrail.Actor approver)
            throws SQLException {
    }

    /**
     * Runs once the decision has committed, outside its transaction: for what the kind keeps in memory beside the
     * database (the price books of a published price version), which must not see a decision that rolled back.
     */
    default void committed(Approvals.Request decided) throws SQLException {
    }
}
