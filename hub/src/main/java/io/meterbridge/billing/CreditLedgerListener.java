package io.meterbridge.billing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Contract;

/**
 * Told, inside a hub-rated close's transaction, of the prepaid credit it drew and expired, so the ERP side can relieve
 * the contract liability (and book breakage) in the same commit. Like {@link PeriodCloseListener}: billing imports
 * nothing of erp.
 */
public interface CreditLedgerListener {

    void moved(Connection connection, CreditMovements movements) throws SQLException;

    /** draws: in the period's currency; expiries: each in its grant's currency. */
    record CreditMovements(long closeId, Contract contract, BillingPeriod period, String currency,
            List<CreditLedger.Draw> draws, List<CreditLedger.Expiry> expiries, MasterData data) {
    }
}
