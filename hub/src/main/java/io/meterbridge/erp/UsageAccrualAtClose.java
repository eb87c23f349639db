package io.meterbridge.erp;

import java.sql.Connection;
import java.sql.SQLException;

import io.meterbridge.billing.PeriodCloseListener;
import jakarta.enterprise.context.ApplicationScoped;

/** The ERP side of a hub-rated close: accrued revenue for the unbilled usage, reversed when the invoice posts. */
@ApplicationScoped
public class UsageAccrualAtClose implements PeriodCloseListener {

    private final ErpPostings postings;

    public UsageAccrualAtClose(ErpPostings postings) {
        this.postings = postings;
    }

    @Override
    public void closed(Connection connection, ClosedPeriod close) throws SQLException {
        postings.accrualAtClose(connection, close.closeId(), close.contract(), close.period(), close.amountsByMetric(),
                close.currency(), close.data());
    }
}
