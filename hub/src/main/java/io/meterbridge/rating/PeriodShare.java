package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The share of a billing period that a contract version (or a run of them under one price version) covers: seconds
 * covered over the period's seconds, both measured between instants (so a DST day counts what it lasts). Flat amounts
 * of a period (minimumCharge, includedQuantity, minimumCommitment) are prorated by it; usage never is.
 * <ul>
 * <li>an amount: {@code amount x covered / period}, rounded once with the currency's rule (USD HALF_UP to cents);</li>
 * <li>included units (summed over the contract versions of a part, billing.PeriodCloseService): rounded down to whole
 * units (a share of a unit is not free).</li>
 * </ul>
 * A whole share leaves an amount exactly as written.
 */
public record PeriodShare(long coveredSeconds, long periodSeconds) {

    public static final PeriodShare WHOLE = new PeriodShare(1, 1);

    public PeriodShare {
        if (periodSeconds <= 0 || coveredSeconds < 0 || coveredSeconds > periodSeconds) {
            throw new IllegalArgumentException("share: " + coveredSeconds + " of " + periodSeconds + " s");
        }
    }

    public boolean whole() {
        return coveredSeconds == periodSeconds;
    }

    /** The unrounded prorated value: value x covered / period, exact to 12 decimals before the rounding that follows. */
    public BigDecimal of(BigDecimal value) {
        if (whole()) {
            return value;
        }
        return value.multiply(BigDecimal.valueOf(coveredSeconds)).divide(BigDecimal.valueOf(periodSeconds), 12,
                RoundingMode.HALF_UP);
    }

    /** A prorated amount, rounded with the currency's rule. */
    public BigDecimal amount(BigDecimal amount, CurrencyRule rule) {
        return whole() ? amount : rule.round(of(amount));
    }

    /** "1296000/2592000 s of the period", as descriptions show the proration. */
    public String describe() {
        return coveredSeconds + "/" + periodSeconds + " s of the period";
    }
}
