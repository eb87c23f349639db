package io.meterbridge.rating;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One effective-dated version of a metric's price: a contract references it by {@code id}.
 *
 * @param minimumCharge     minimum commitment per period: a usage amount below it is trued up to it (null: none)
 * @param prepaidCredits    whether usage is drawn down from the customer's prepaid credit balance first
 */
public record PriceVersion(String id, String metric, String currency, PriceModel model, BigDecimal minimumCharge,
        boolean prepaidCredits, Instant validFrom, Instant validTo) {
}
