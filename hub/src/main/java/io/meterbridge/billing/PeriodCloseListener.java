package io.meterbridge.billing;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import io.meterbridge.masterdata.BillingPeriod;
import io.meterbridge.masterdata.MasterData;
import io.meterbridge.masterdata.MasterData.Contract;

/**
 * Told of each hub-rated period close inside the close's own transaction, so what it writes commits or rolls back
 * with the close. Billing knows nothing of who listens: the ERP side implements this (the usage accrual), which keeps
 * imports running down the layers (billing never imports erp).
 */
public interface PeriodCloseListener {

    void closed(Connection connection, ClosedPeriod close) throws SQLException;

    /** A hub-rated close: its id, contract, period, the rated amount per metric, the currency and the master data. */
    record ClosedPeriod(long closeId, Contract contract, BillingPeriod period, Map<String, BigDecimal> amountsByMetric,
            String currency, MasterData data) {
    }
}
