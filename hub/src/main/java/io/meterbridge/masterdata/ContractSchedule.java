package io.meterbridge.masterdata;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.meterbridge.masterdata.MasterData.Contract;

/**
 * The billing periods of one contract across its versions, and which version is in force over which part of a period
 * (docs/architecture.md, "Contract validity and versions").
 * <ul>
 * <li>Periods form one chain from the period holding the first version's validFrom: each period starts where the one
 * before ended, so they never overlap and leave no gap.</li>
 * <li>The next period is the one of the version in force at the previous period's end. When that version has another
 * anchor day (or time zone), its period holding that instant started earlier: the chain then takes a short period from
 * the previous end to that period's end. An anchor-day change therefore takes effect at the next boundary of the old
 * schedule, with one short period; a version dated after a period's end never moves it (a future-dated version does
 * not move today's schedule).</li>
 * <li>A period's parts are its intersections with each version's validity, in order; a period no version covers has
 * no parts and is never closed.</li>
 * </ul>
 */
public final class ContractSchedule {

    /** The part [start, end) of a period over which {@code version} is in force. */
    public record Part(Contract version, Instant start, Instant end) {

        public long seconds() {
            return Duration.between(start, end).toSeconds();
        }
    }

    /** How many periods of the chain are kept for {@link #periodAt}: a hundred years of months. */
    private static final int CHAIN_CACHE = 1200;

    private final List<Contract> versions;
    /** The chain from the first period, grown on demand: metering asks for the period of every event. */
    private final List<BillingPeriod> chain = new ArrayList<>();

    /** @param versions every version of one contract key */
    public ContractSchedule(List<Contract> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a contract schedule needs at least one version");
        }
        this.versions = versions.stream().sorted(Comparator.comparing(Contract::validFrom)).toList();
    }

    public String contractKey() {
        return versions.get(0).key();
    }

    /** The period holding {@code at}; before the contract's first period, the first version's period of it. */
    public BillingPeriod periodAt(Instant at) {
        BillingPeriod period;
        synchronized (chain) {
            if (chain.isEmpty()) {
                chain.add(first());
            }
            if (at.isBefore(chain.get(0).start())) {
                return versions.get(0).periodOf(at);
            }
            while (!chain.get(chain.size() - 1).end().isAfter(at) && chain.size() < CHAIN_CACHE) {
                chain.add(next(chain.get(chain.size() - 1)));
            }
            int low = 0;
            int high = chain.size() - 1;
            while (low < high) { // the last period starting at or before at
                int middle = (low + high + 1) >>> 1;
                if (chain.get(middle).start().isAfter(at)) {
                    high = middle - 1;
                } else {
                    low = middle;
                }
            }
            period = chain.get(low);
        }
        while (!period.contains(at)) { // beyond the cached chain
            period = next(period);
        }
        return period;
    }

    /** The contract's first period: the one holding its first version's validFrom. */
    public BillingPeriod first() {
        Contract first = versions.get(0);
        return first.periodOf(first.validFrom());
    }

    /** The period after {@code period}, following the version in force where it ends. */
    public BillingPeriod next(BillingPeriod period) {
        BillingPeriod candidate = versionAt(period.end()).periodOf(period.end());
        return candidate.start().equals(period.end()) ? candidate : new BillingPeriod(period.end(), candidate.end());
    }

    /** The period before the one holding {@code at}. */
    public BillingPeriod previous(Instant at) {
        return periodAt(periodAt(at).start().minusNanos(1));
    }

    /** The version in force at {@code at}: the latest that started at or before it (before any, the first). */
    public Contract versionAt(Instant at) {
        Contract chosen = versions.get(0);
        for (Contract version : versions) {
            if (!version.validFrom().isAfter(at)) {
                chosen = version;
            }
        }
        return chosen;
    }

    /** The parts of the period the versions cover, in time order; empty when the period is outside the validity. */
    public List<Part> parts(BillingPeriod period) {
        List<Part> parts = new ArrayList<>();
        for (Contract version : versions) {
            Instant start = version.validFrom().isAfter(period.start()) ? version.validFrom() : period.start();
            Instant end = version.validTo() != null && version.validTo().isBefore(period.end()) ? version.validTo()
                    : period.end();
            if (start.isBefore(end)) {
                parts.add(new Part(version, start, end));
            }
        }
        return parts;
    }

    /** The contract's validity as intervals, adjacent versions merged: "[2026-01-01T00:00:00Z, 2026-03-01T00:00:00Z)". */
    public String validity() {
        List<String> intervals = new ArrayList<>();
        Instant from = null;
        Instant to = null;
        boolean open = false;
        for (Contract version : versions) {
            if (from == null) {
                from = version.validFrom();
            } else if (!open && to.isBefore(version.validFrom())) {
                intervals.add("[" + from + ", " + to + ")");
                from = version.validFrom();
            }
            open = open || version.validTo() == null;
            to = version.validTo() == null ? to : (to == null || version.validTo().isAfter(to) ? version.validTo() : to);
        }
        intervals.add("[" + from + ", " + (open ? "open" : to.toString()) + ")");
        return String.join(", ", intervals);
    }
}
