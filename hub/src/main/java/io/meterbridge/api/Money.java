package io.meterbridge.api;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * Money in the JSON APIs: an exact decimal string in major units at the currency's minor-unit scale ("66.00" in USD,
 * "1200" in JPY, "-1.00"), always next to its ISO 4217 currency, so no client ever parses an amount into a binary
 * float and every amount of one currency reads alike ("11.00", never "11").
 */
public final class Money {

    private Money() {
    }

    /**
     * The amount at its currency's scale (ISO 4217 minor units: USD 2, JPY 0, KWD 3). Trailing zeros beyond that scale
     * are dropped ("11.0000" in JPY is "11"); digits that are not zeros are kept, never rounded away silently. Without a
     * currency (platform-rated rows carry none) the amount is shown as stored.
     */
    public static String text(BigDecimal amount, String currency) {
        if (amount == null) {
            return null;
        }
        if (currency == null || currency.isBlank()) {
            return amount.toPlainString();
        }
        int scale = scale(currency);
        BigDecimal stripped = amount.stripTrailingZeros();
        return (stripped.scale() < scale ? stripped.setScale(scale) : stripped).toPlainString();
    }

    /** A decimal string (as stored in a document's JSON lines) at the currency's scale. */
    public static String text(String amount, String currency) {
        return amount == null || amount.isBlank() ? amount : text(new BigDecimal(amount), currency);
    }

    static int scale(String currency) {
        int digits = Currency.getInstance(currency.trim().toUpperCase(java.util.Locale.ROOT)).getDefaultFractionDigits();
        return Math.max(digits, 0);
    }
}
