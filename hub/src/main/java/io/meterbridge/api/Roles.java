package io.meterbridge.api;

/**
 * The roles people hold (docs/configuration.md#people-and-roles). In prod they come from the OpenID Connect provider's
 * token; in the default run and the tests from the properties-file users. Resources name them in {@code @RolesAllowed}.
 */
public final class Roles {

    /** Reads usage, billing and ERP state; changes nothing. */
    public static final String VIEWER = "viewer";
    /** A viewer who may also re-send what failed (billing replays, ERP retries, quarantine releases). */
    public static final String OPERATOR = "operator";
    /** Closes periods, replays and retries: the actions on money. */
    public static final String FINANCE = "finance";
    /** Maintains price books (effective-dated price versions). */
    public static final String PRICING_ADMIN = "pricing-admin";
    /** Approves what a requester asked for (a second person for changes to closed periods). */
    public static final String APPROVER = "approver";
    /** Master data (customers, contracts, metric catalog) and everything else. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
