package io.meterbridge.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import io.meterbridge.rating.PriceModel.Graduated;
import io.meterbridge.rating.PriceModel.Package;
import io.meterbridge.rating.PriceModel.PerUnit;
import io.meterbridge.rating.PriceModel.Tier;
import io.meterbridge.rating.PriceModel.Volume;

/**
 * Prices one metric's usage of one billing period, exactly: BigDecimal throughout, each charge line rounded once with
 * the currency's rule, the total the sum of the rounded lines (what an invoice shows adds up).
 *
 * Order: usage above the committed quantity is billable (overage); its amount is priced by the model; prepaid
 * credits are drawn down (never below zero) before anything is charged; a minimum commitment trues the usage amount
 * up to the minimum.
 */
public final class RatingEngine {

    private RatingEngine() {
    }

    public enum LineType {
        USAGE, OVERAGE, CREDITS_APPLIED, TRUE_UP
    }

    public record ChargeLine(LineType type, String description, BigDecimal quantity, BigDecimal amount) {
    }

    /**
     * @param creditsAfter the prepaid balance left after this period (equal to the balance given when unused)
     */
    public record Rating(String priceVersion, String currency, List<ChargeLine> lines, BigDecimal total,
            BigDecimal creditsAfter) {
    }

    /**
     * @param quantity          the period's usage of the metric
     * @param committedQuantity units included in the contract's commitment (null or 0: all usage is billable)
     * @param creditBalance     the customer's prepaid balance before this period (ignored unless the price uses credits)
     */
    public static Rating rate(PriceVersion price, CurrencyRule rule, BigDecimal quantity, BigDecimal committedQuantity,
            BigDecimal creditBalance) {
        if (!rule.currency().equals(price.currency())) {
            throw new IllegalArgumentException("currency rule " + rule.currency() + " given for a " + price.currency() + " price");
        }
        if (quantity.signum() < 0) {
            throw new IllegalArgumentException("quantity: must not be negative, got " + quantity);
        }
        List<ChargeLine> lines = new ArrayList<>();
        BigDecimal committed = committedQuantity == null ? BigDecimal.ZERO : committedQuantity;
        BigDecimal billable = quantity.subtract(committed).max(BigDecimal.ZERO);
        LineType usageType = committed.signum() > 0 ? LineType.OVERAGE : LineType.USAGE;
        BigDecimal usage = rule.round(amount(price.model(), billable));
        lines.add(new ChargeLine(usageType, usageType == LineType.OVERAGE
                ? billable.toPlainString() + " above the committed " + committed.toPlainString()
                : billable.toPlainString() + " units", billable, usage));

        BigDecimal charged = usage;
        BigDecimal creditsAfter = creditBalance == null ? BigDecimal.ZERO : creditBalance;
        if (price.prepaidCredits() && creditsAfter.signum() > 0 && usage.signum() > 0) {
            BigDecimal applied = usage.min(creditsAfter);
            creditsAfter = creditsAfter.subtract(applied);
            charged = charged.subtract(applied);
            lines.add(new ChargeLine(LineType.CREDITS_APPLIED, "prepaid credits applied", null, applied.negate()));
        }
        if (price.minimumCharge() != null && usage.compareTo(price.minimumCharge()) < 0) {
            BigDecimal trueUp = rule.round(price.minimumCharge().subtract(usage));
            lines.add(new ChargeLine(LineType.TRUE_UP, "true-up to the minimum commitment of "
                    + price.minimumCharge().toPlainString() + " " + price.currency(), null, trueUp));
            charged = charged.add(trueUp);
        }
        BigDecimal total = lines.stream().map(ChargeLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (total.compareTo(charged) != 0) {
            throw new IllegalStateException("rating lines do not add up: " + lines);
        }
        return new Rating(price.id(), price.currency(), List.copyOf(lines), total, creditsAfter);
    }

    /** The unrounded amount of a quantity under a model. */
    static BigDecimal amount(PriceModel model, BigDecimal quantity) {
        if (model instanceof PerUnit perUnit) {
            return quantity.multiply(perUnit.unitPrice());
        }
        if (model instanceof Graduated graduated) {
            BigDecimal amount = BigDecimal.ZERO;
            BigDecimal floor = BigDecimal.ZERO;
            for (Tier tier : graduated.tiers()) {
                if (quantity.compareTo(floor) <= 0) {
                    break;
                }
                BigDecimal ceiling = tier.upTo() == null ? quantity : tier.upTo().min(quantity);
                amount = amount.add(ceiling.subtract(floor).multiply(tier.unitPrice())).add(tier.flatFee());
                floor = ceiling;
            }
            return amount;
        }
        if (model instanceof Volume volume) {
            for (Tier tier : volume.tiers()) {
                if (tier.upTo() == null || quantity.compareTo(tier.upTo()) <= 0) {
                    return quantity.signum() == 0 ? BigDecimal.ZERO
                            : quantity.multiply(tier.unitPrice()).add(tier.flatFee());
                }
            }
            throw new IllegalArgumentException("volume tiers end at " + volume.tiers().get(volume.tiers().size() - 1).upTo()
                    + " but the quantity is " + quantity + ": the last tier needs no upper bound");
        }
        if (model instanceof Package pack) {
            BigDecimal blocks = quantity.divide(pack.blockSize(), 0, pack.blocks() == null ? RoundingMode.UP : pack.blocks());
            return blocks.multiply(pack.blockPrice());
        }
        throw new IllegalArgumentException("unknown price model " + model);
    }
}
