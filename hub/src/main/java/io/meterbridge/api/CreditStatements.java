package io.meterbridge.api;

import java.util.List;

import io.meterbridge.billing.CreditLedger;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Prepaid credit grants of a contract and their ledger (docs/api/admin.md#prepaid-credits), served by AdminResource
 * under /api/v1/admin/contracts/{contractKey}/credits (one resource class per path prefix, so JAX-RS finds them).
 */
@ApplicationScoped
public class CreditStatements {

    private final CreditLedger ledger;
    private final SqlRows sqlRows;
    private final SecurityIdentity identity;

    public CreditStatements(CreditLedger ledger, SqlRows sqlRows, SecurityIdentity identity) {
        this.ledger = ledger;
        this.sqlRows = sqlRows;
        this.identity = identity;
    }

    public CreditViews.Granted grant(String contractKey, CreditLedger.GrantRequest request)
            throws Exception {
        CreditLedger.Granted granted = ledger.grant(contractKey, request, Actors.of(identity));
        return new CreditViews.Granted(granted.grantId(), granted.created(), statement(contractKey));
    }

    public CreditViews.CreditStatement statement(String contractKey) throws Exception {
        List<CreditViews.Grant> grants = sqlRows.list("""
                SELECT g.*, coalesce(d.drawn, 0) AS drawn, coalesce(e.amount, 0) AS expired,
                       g.amount - coalesce(d.drawn, 0) - coalesce(e.amount, 0) AS remaining
                FROM credit_grant g
                LEFT JOIN (SELECT grant_id, sum(amount) AS drawn FROM credit_draw GROUP BY grant_id) d ON d.grant_id = g.id
                LEFT JOIN credit_expiry e ON e.grant_id = g.id
                WHERE g.contract_key = ? ORDER BY g.expires_at NULLS LAST, g.starts_at, g.id""",
                CreditViews.Grant::of, contractKey);
        List<CreditViews.Balance> balances = sqlRows.list("""
                SELECT g.currency, sum(g.amount) AS granted, coalesce(sum(d.drawn), 0) AS drawn,
                       coalesce(sum(e.amount), 0) AS expired,
                       sum(g.amount) - coalesce(sum(d.drawn), 0) - coalesce(sum(e.amount), 0) AS balance
                FROM credit_grant g
                LEFT JOIN (SELECT grant_id, sum(amount) AS drawn FROM credit_draw GROUP BY grant_id) d ON d.grant_id = g.id
                LEFT JOIN credit_expiry e ON e.grant_id = g.id
                WHERE g.contract_key = ? GROUP BY g.currency ORDER BY g.currency""", CreditViews.Balance::of,
                contractKey);
        List<CreditViews.Draw> draws = sqlRows.list("""
                SELECT d.grant_id, d.close_id, p.period_start, p.period_end, d.amount, g.currency, d.drawn_at
                FROM credit_draw d JOIN credit_grant g ON g.id = d.grant_id JOIN period_close p ON p.id = d.close_id
                WHERE d.contract_key = ? ORDER BY p.period_start, d.grant_id""", CreditViews.Draw::of, contractKey);
        List<CreditViews.Expiry> expiries = sqlRows.list("""
                SELECT e.grant_id, e.close_id, e.amount, g.currency, e.expired_at
                FROM credit_expiry e JOIN credit_grant g ON g.id = e.grant_id
                WHERE e.contract_key = ? ORDER BY e.expired_at, e.grant_id""", CreditViews.Expiry::of, contractKey);
        return new CreditViews.CreditStatement(contractKey, balances, grants, draws, expiries);
    }
}
