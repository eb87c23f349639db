package io.meterbridge.masterdata;

/** Fired after a master-data change committed: quarantined events may now be attributable. */
public record MasterDataChanged(String entity, String key) {
}
