package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * How a quantity becomes an amount, before rounding. Unit prices may carry more decimals than the currency (a
 * request at 0.0004 USD); the engine rounds each charge line once, with the currency's rule.
 */
public sealed interface PriceModel {

    /** A tier up to {@code upTo} units (null: no upper bound), priced per unit plus an optional flat fee. */
    record Tier(BigDecimal upTo, BigDecimal unitPrice, BigDecimal flatFee) {
        public Tier {
            flatFee = flatFee == null ? BigDecimal.ZERO : flatFee;
        }
    }

    /** Every unit at one price. */
    record PerUnit(BigDecimal unitPrice) implements PriceModel {
    }

    /** Graduated: each unit is priced in the tier it falls in (the first 1,000 at a, the next 9,000 at b, ...). */
    record Graduated(List<Tier> tiers) implements PriceModel {
    }

    /** Volume: all units are priced at the tier the total falls in. */
    record Volume(List<Tier> tiers) implements PriceModel {
    }

    /** Package: blocks of {@code blockSize} units at {@code blockPrice}; a partial block is rounded by {@code blocks}. */
    record Package(BigDecimal blockSize, BigDecimal blockPrice, RoundingMode blocks) implements PriceModel {
    }
}
