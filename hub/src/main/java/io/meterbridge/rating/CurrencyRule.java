package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** How amounts of one currency are rounded: its minor-unit scale and an explicit rounding mode. */
public record CurrencyRule(String currency, int scale, RoundingMode rounding) {

    public BigDecimal round(BigDecimal amount) {
        return amount.setScale(scale, rounding);
    }

    /** The amount in minor units (cents), as billing platforms take it. */
    public long minorUnits(BigDecimal amount) {
        return round(amount).movePointRight(scale).longValueExact();
    }
}
