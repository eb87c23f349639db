package io.meterbridge.rating;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One effective-dated version of a metric's price: a contract references it by {@code id}.
 *
 * @param minimumCharge     the minimum for the metric's whole amount in a period (after the contract's included units):
 *                          an amount below it is trued up to it, on its own line (null: none)
 * @param prepaidCredits    whether usage is drawn down from the customer's prepaid credit balance first
 */
public record PriceVersion(String id, String metric, String currency, PriceModel model, BigDecimal minimumCharge,
        boolean prepaidCredits, Instant validFrom, Instant validTo) {
}
