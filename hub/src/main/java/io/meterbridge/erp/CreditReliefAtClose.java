package io.meterbridge.erp;

import java.sql.Connection;
import java.sql.SQLException;

import io.meterbridge.billing.CreditLedgerListener;
import jakarta.enterprise.context.ApplicationScoped;

/** The ERP side of a close's prepaid credit: the relief of the contract liability and the breakage of expired credit. */
@ApplicationScoped
public class CreditReliefAtClose implements CreditLedgerListener {

    private final ErpPostings postings;

    public CreditReliefAtClose(ErpPostings postings) {
        this.postings = postings;
    }

    @Override
    public void moved(Connection connection, CreditMovements movements) throws SQLException {
        postings.creditMovementsAtClose(connection, movements.closeId(), movements.contract(), movements.period(),
                movements.currency(), movements.draws(), movements.expiries(), movements.data());
    }
}
