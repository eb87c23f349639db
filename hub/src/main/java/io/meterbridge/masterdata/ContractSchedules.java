package io.meterbridge.masterdata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.meterbridge.masterdata.MasterData.Contract;

/**
 * The {@link ContractSchedule} of every contract key of a master-data snapshot, built once per snapshot version: what
 * metering's late flag and the usage API's PERIOD window use, so their periods are the close's (one chain, an
 * anchor-day change with one short period).
 */
public final class ContractSchedules {

    private record Snapshot(long version, Map<String, ContractSchedule> byKey) {
    }

    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE, Map.of());

    /** The schedule of {@code contractKey} in {@code data}; null when the snapshot has no such contract. */
    public ContractSchedule of(MasterData data, String contractKey) {
        Snapshot current = snapshot;
        if (current.version() != data.version()) {
            current = new Snapshot(data.version(), byKey(data));
            snapshot = current;
        }
        return current.byKey().get(contractKey);
    }

    /** Every contract key's schedule, over all its versions. */
    public static Map<String, ContractSchedule> byKey(MasterData data) {
        Map<String, List<Contract>> versions = new TreeMap<>();
        Set<Long> seen = new HashSet<>();
        data.contractsByBillingAccount().values().forEach(list -> list.forEach(c -> {
            if (seen.add(c.id())) {
                versions.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
            }
        }));
        Map<String, ContractSchedule> schedules = new TreeMap<>();
        versions.forEach((key, list) -> {
            list.sort(Comparator.comparing(Contract::validFrom));
            schedules.put(key, new ContractSchedule(list));
        });
        return schedules;
    }
}
