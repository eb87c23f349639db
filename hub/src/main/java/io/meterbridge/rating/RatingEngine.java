package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.meterbridge.rating.PriceModel.Graduated;
import io.meterbridge.rating.PriceModel.Package;
import io.meterbridge.rating.PriceModel.PerUnit;
import io.meterbridge.rating.PriceModel.Tier;
import io.meterbridge.rating.PriceModel.Volume;

/**
 * Prices one metric's usage of one billing period, exactly: BigDecimal throughout, each charge line rounded once with
 * the currency's rule, the total the sum of the rounded lines (what an invoice shows adds up).
 *
 * Order: the contract's included units are free and the units above them are priced at their position in the
 * model (unit 100,001 at the tier holding 100,001, see {@link #amount}); the price version's minimum charge trues that
 * amount up; prepaid credits are drawn down (never below zero). Across metrics, the contract's minimum commitment
 * trues the period's spend up ({@link #commitment}). The committed quantity of a contract changes no amount: it only
 * drives the CRM follow-ups at 80 % and 100 %.
 */
public final class RatingEngine {

    private RatingEngine() {
    }

    public enum LineType {
        /** The usage of a metric without included units. */
        USAGE,
        /** The usage above the metric's included units. */
        OVERAGE,
        /** Prepaid credits drawn down (negative). */
        CREDITS_APPLIED,
        /** The metric's amount trued up to its price version's minimumCharge. */
        TRUE_UP,
        /** The period's spend across all metrics trued up to the contract's minimumCommitment. */
        COMMITMENT_TRUE_UP,
        /**
         * The period's amount after every other line paid for by the contract's prepaid credit grants (negative, the
         * last line; billing's credit ledger draws it at close, not the rating of one metric).
         */
        PREPAID_CREDIT,
        /**
         * A correction of an earlier, closed period billed on this period's invoice (late usage under NEXT_CYCLE):
         * the difference of one corrected line, positive or negative.
         */
        ADJUSTMENT
    }

    public record ChargeLine(LineType type, String description, BigDecimal quantity, BigDecimal amount) {
    }

    /**
     * @param creditsAfter the prepaid balance left after this period (equal to the balance given when unused)
     */
    public record Rating(String priceVersion, String currency, List<ChargeLine> lines, BigDecimal total,
            BigDecimal creditsAfter) {

        /** What the metric costs in the period before prepaid credits pay for it: what a minimum commitment counts. */
        public BigDecimal spend() {
            return lines.stream().filter(l -> l.type() != LineType.CREDITS_APPLIED).map(ChargeLine::amount)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    /**
     * @param quantity         the period's usage of the metric
     * @param includedQuantity units the contract includes for free (null or 0: all usage is billable)
     * @param creditBalance    the customer's prepaid balance before this period (ignored unless the price uses credits)
     */
    public static Rating rate(PriceVersion price, CurrencyRule rule, BigDecimal quantity, BigDecimal includedQuantity,
            BigDecimal creditBalance) {
        return rate(price, rule, quantity, includedQuantity, creditBalance, PeriodShare.WHOLE);
    }

    /**
     * The same for a part of a period: the price version's minimumCharge is prorated by {@code share} (its amount
     * rounded with the currency's rule); the caller prorates the included units (they may come from several contract
     * versions). Usage is never prorated.
     */
    public static Rating rate(PriceVersion price, CurrencyRule rule, BigDecimal quantity, BigDecimal includedQuantity,
            BigDecimal creditBalance, PeriodShare share) {
        if (!rule.currency().equals(price.currency())) {
            throw new IllegalArgumentException("currency rule " + rule.currency() + " given for a " + price.currency() + " price");
        }
        if (quantity.signum() < 0) {
            throw new IllegalArgumentException("quantity: must not be negative, got " + quantity);
        }
        BigDecimal included = includedQuantity == null ? BigDecimal.ZERO : includedQuantity;
        if (included.signum() < 0) {
            throw new IllegalArgumentException("includedQuantity: must not be negative, got " + included);
        }
        List<ChargeLine> lines = new ArrayList<>();
        BigDecimal billable = quantity.subtract(included).max(BigDecimal.ZERO);
        LineType usageType = included.signum() > 0 ? LineType.OVERAGE : LineType.USAGE;
        BigDecimal usage = rule.round(amount(price.model(), quantity, included));
        lines.add(new ChargeLine(usageType, usageType == LineType.OVERAGE
                ? billable.toPlainString() + " above the " + included.toPlainString() + " included"
                : billable.toPlainString() + " units", billable, usage));

        BigDecimal charged = usage;
        BigDecimal creditsAfter = creditBalance == null ? BigDecimal.ZERO : creditBalance;
        if (price.prepaidCredits() && creditsAfter.signum() > 0 && usage.signum() > 0) {
            BigDecimal applied = usage.min(creditsAfter);
            creditsAfter = creditsAfter.subtract(applied);
            charged = charged.subtract(applied);
            lines.add(new ChargeLine(LineType.CREDITS_APPLIED, "prepaid credits applied", null, applied.negate()));
        }
        // The minimum is for the metric's whole amount (after included units), not for a part of it.
        BigDecimal minimum = price.minimumCharge() == null ? null : share.amount(price.minimumCharge(), rule);
        if (minimum != null && usage.compareTo(minimum) < 0) {
            BigDecimal trueUp = rule.round(minimum.subtract(usage));
            lines.add(new ChargeLine(LineType.TRUE_UP, "true-up of " + usage.toPlainString() + " to the minimum charge of "
                    + minimum.toPlainString() + " " + price.currency() + (share.whole() ? ""
                            : " (" + rule.round(price.minimumCharge()).toPlainString() + " x " + share.describe() + ")"),
                    null, trueUp));
            charged = charged.add(trueUp);
        }
        BigDecimal total = lines.stream().map(ChargeLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.compareTo(charged) != 0) {
            throw new IllegalStateException("rating lines do not add up: " + lines);
        }
        return new Rating(price.id(), price.currency(), List.copyOf(lines), total, creditsAfter);
    }

    /**
     * The contract's minimum commitment over the period's ratings of all its metrics: a true-up line of
     * {@code max(0, minimumCommitment - spend)}, where spend is every metric's usage and true-up before prepaid
     * credits (credits pay for spend, they do not lower it). Empty when there is no commitment or it is met.
     */
    public static Optional<ChargeLine> commitment(BigDecimal minimumCommitment, CurrencyRule rule, List<Rating> ratings) {
        if (minimumCommitment == null || minimumCommitment.signum() == 0) {
            return Optional.empty();
        }
        if (minimumCommitment.signum() < 0) {
            throw new IllegalArgumentException("minimumCommitment: must not be negative, got " + minimumCommitment);
        }
        for (Rating rating : ratings) {
            if (!rating.currency().equals(rule.currency())) {
                throw new IllegalArgumentException("minimumCommitment in " + rule.currency() + " but price version '"
                        + rating.priceVersion() + "' rates in " + rating.currency());
            }
        }
        BigDecimal spend = ratings.stream().map(Rating::spend).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal trueUp = rule.round(minimumCommitment.subtract(spend).max(BigDecimal.ZERO));
        if (trueUp.signum() == 0) {
            return Optional.empty();
        }
        return Optional.of(new ChargeLine(LineType.COMMITMENT_TRUE_UP, "true-up of the period's spend of "
                + spend.toPlainString() + " to the minimum commitment of " + minimumCommitment.toPlainString() + " "
                + rule.currency(), null, trueUp));
    }

    /** The unrounded amount of a quantity under a model, nothing included. */
    static BigDecimal amount(PriceModel model, BigDecimal quantity) {
        return amount(model, quantity, BigDecimal.ZERO);
    }

    /**
     * The unrounded amount of the units at positions {@code included + 1 .. quantity}: what "priced at their position"
     * means in each model.
     * <ul>
     * <li>PER_UNIT: every position costs the same: (quantity - included) x unitPrice.</li>
     * <li>GRADUATED: each billable unit costs what the tier holding its position says; a tier's flat fee is charged
     * when at least one billable unit falls in it (a tier used only by included units is free, fee and all).</li>
     * <li>VOLUME: the tier is the one holding the last unit's position (the total usage, included units counted),
     * and the billable units are priced at it, plus its flat fee when any unit is billable.</li>
     * <li>PACKAGE: every block costs the same, so a position changes nothing but where blocks start: blocks are counted
     * over the billable units, from the first unit above the included ones, a partial block rounded by
     * blockRounding.</li>
     * </ul>
     */
    static BigDecimal amount(PriceModel model, BigDecimal quantity, BigDecimal included) {
        BigDecimal billable = quantity.subtract(included).max(BigDecimal.ZERO);
        if (billable.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (model instanceof PerUnit perUnit) {
            return billable.multiply(perUnit.unitPrice());
        }
        if (model instanceof Graduated graduated) {
            BigDecimal amount = BigDecimal.ZERO;
            BigDecimal floor = BigDecimal.ZERO;
            for (Tier tier : graduated.tiers()) {
                if (quantity.compareTo(floor) <= 0) {
                    break;
                }
                BigDecimal ceiling = tier.upTo() == null ? quantity : tier.upTo().min(quantity);
                BigDecimal units = ceiling.subtract(floor.max(included)).max(BigDecimal.ZERO);
                if (units.signum() > 0) {
                    amount = amount.add(units.multiply(tier.unitPrice())).add(tier.flatFee());
                }
                floor = ceiling;
            }
            return amount;
        }
        if (model instanceof Volume volume) {
            for (Tier tier : volume.tiers()) {
                if (tier.upTo() == null || quantity.compareTo(tier.upTo()) <= 0) {
                    return billable.multiply(tier.unitPrice()).add(tier.flatFee());
                }
            }
            throw new IllegalArgumentException("volume tiers end at " + volume.tiers().get(volume.tiers().size() - 1).upTo()
                    + " but the quantity is " + quantity + ": the last tier needs no upper bound");
        }
        if (model instanceof Package pack) {
            BigDecimal blocks = billable.divide(pack.blockSize(), 0, pack.blocks() == null ? RoundingMode.UP : pack.blocks());
            return blocks.multiply(pack.blockPrice());
        }
        throw new IllegalArgumentException("unknown price model " + model);
    }
}
