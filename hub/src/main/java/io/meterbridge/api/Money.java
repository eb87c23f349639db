package io.meterbridge.api;

import java.math.BigDecimal;

/**
 * Money in the JSON APIs: an exact decimal string in major units ("66.00", "-1.00"), always next to its ISO 4217
 * currency, so no client ever parses an amount into a binary float.
 */
public final class Money {

    private Money() {
    }

    public static String text(BigDecimal amount) {
        return amount == null ? null : amount.toPlainString();
    }
}
