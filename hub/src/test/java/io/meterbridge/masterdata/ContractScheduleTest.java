package io.meterbridge.masterdata;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import io.meterbridge.masterdata.MasterData.BillingMode;
import io.meterbridge.masterdata.MasterData.Contract;
import io.meterbridge.masterdata.ContractSchedule.Part;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The periods of a contract across its versions (docs/architecture.md, "Contract validity and versions"): one chain
 * without overlap or gap, an anchor-day change with one short period at the next boundary of the old schedule, the
 * parts each version covers, and a future-dated version that does not move today's schedule.
 */
class ContractScheduleTest {

    private static Instant t(String instant) {
        return Instant.parse(instant);
    }

    private static Contract version(long id, int anchorDay, String from, String to) {
        return new Contract(id, "contract-s", "stripe", "cus_s", anchorDay, ZoneId.of("UTC"), Duration.ofDays(3), t(from),
                to == null ? null : t(to), Map.of(), BillingMode.HUB_RATES, null, null, null,
                MasterData.Invoicing.DEFAULT, MasterData.LateUsagePolicy.NEXT_CYCLE);
    }

    @Test
    void anAnchorDayChangeStartsOneShortPeriodAndThePeriodsChainWithoutGapOrOverlap() {
        // v1 bills from the 1st; v2, from 10 March, from the 15th.
        ContractSchedule schedule = new ContractSchedule(List.of(version(1, 1, "2026-01-01T00:00:00Z", "2026-03-10T00:00:00Z"),
                version(2, 15, "2026-03-10T00:00:00Z", null)));
        BillingPeriod march = schedule.periodAt(t("2026-03-20T00:00:00Z"));
        assertThat(march).isEqualTo(new BillingPeriod(t("2026-03-01T00:00:00Z"), t("2026-04-01T00:00:00Z")));
        // March is split at the change: 9 days of v1, 22 days of v2.
        List<Part> parts = schedule.parts(march);
        assertThat(parts).extracting(p -> p.version().id()).containsExactly(1L, 2L);
        assertThat(parts.get(0).end()).isEqualTo(t("2026-03-10T00:00:00Z"));
        assertThat(parts.get(0).seconds()).isEqualTo(9 * 86_400L);
        assertThat(parts.get(1).seconds()).isEqualTo(22 * 86_400L);
        // The short period: from the old schedule's boundary to the new anchor.
        BillingPeriod shortPeriod = schedule.next(march);
        assertThat(shortPeriod).isEqualTo(new BillingPeriod(t("2026-04-01T00:00:00Z"), t("2026-04-15T00:00:00Z")));
        assertThat(schedule.next(shortPeriod)).isEqualTo(new BillingPeriod(t("2026-04-15T00:00:00Z"), t("2026-05-15T00:00:00Z")));
        assertThat(schedule.periodAt(t("2026-04-14T23:59:59Z"))).isEqualTo(shortPeriod);

        BillingPeriod period = schedule.first();
        for (int i = 0; i < 24; i++) {
            BillingPeriod next = schedule.next(period);
            assertThat(next.start()).isEqualTo(period.end());
            assertThat(next.end()).isAfter(next.start());
            period = next;
        }
    }

    @Test
    void aFutureDatedVersionDoesNotMoveTodaysSchedule() {
        Contract today = version(1, 1, "2026-01-01T00:00:00Z", "2027-06-10T00:00:00Z");
        ContractSchedule schedule = new ContractSchedule(List.of(today, version(2, 20, "2027-06-10T00:00:00Z", null)));
        assertThat(schedule.periodAt(t("2026-12-03T10:00:00Z")))
                .isEqualTo(new BillingPeriod(t("2026-12-01T00:00:00Z"), t("2027-01-01T00:00:00Z")));
        assertThat(schedule.previous(t("2026-12-03T10:00:00Z")).start()).isEqualTo(t("2026-11-01T00:00:00Z"));
        // It takes effect at the first boundary after it: June stays whole, July is short (1 to 20 July).
        assertThat(schedule.periodAt(t("2027-06-25T00:00:00Z")))
                .isEqualTo(new BillingPeriod(t("2027-06-01T00:00:00Z"), t("2027-07-01T00:00:00Z")));
        assertThat(schedule.periodAt(t("2027-07-05T00:00:00Z")))
                .isEqualTo(new BillingPeriod(t("2027-07-01T00:00:00Z"), t("2027-07-20T00:00:00Z")));
    }

    @Test
    void aPeriodOutsideTheValidityHasNoParts() {
        ContractSchedule schedule = new ContractSchedule(List.of(version(1, 1, "2026-01-21T00:00:00Z", "2026-03-16T00:00:00Z")));
        BillingPeriod january = schedule.first();
        assertThat(january.start()).isEqualTo(t("2026-01-01T00:00:00Z"));
        assertThat(schedule.parts(january)).singleElement().satisfies(p -> {
            assertThat(p.start()).isEqualTo(t("2026-01-21T00:00:00Z"));
            assertThat(p.seconds()).isEqualTo(11 * 86_400L);
        });
        assertThat(schedule.parts(schedule.periodAt(t("2026-03-20T00:00:00Z")))).singleElement()
                .satisfies(p -> assertThat(p.end()).isEqualTo(t("2026-03-16T00:00:00Z")));
        assertThat(schedule.parts(schedule.periodAt(t("2026-04-01T00:00:00Z")))).isEmpty();
        assertThat(schedule.validity()).isEqualTo("[2026-01-21T00:00:00Z, 2026-03-16T00:00:00Z)");
    }
}
