package io.meterbridge.erp.netsuite;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The records as NetSuite JSON, field by field: only writable fields of the spec excerpt, nulls left out, references
 * as {"id"} / {"externalId"}, sublists as {"items":[...]}, dates as yyyy-MM-dd, amounts as JSON numbers.
 */
final class NsJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private NsJson() {
    }

    /** Customer body of the eid upsert: the external id is in the path. */
    static ObjectNode customer(NsCustomer c) {
        ObjectNode o = JSON.objectNode();
        o.put("isPerson", false);
        text(o, "companyName", c.companyName());
        text(o, "email", c.email());
        text(o, "phone", c.phone());
        ref(o, "subsidiary", c.subsidiary());
        ref(o, "currency", c.currency());
        ref(o, "terms", c.terms());
        text(o, "comments", c.comments());
        return o;
    }

    static ObjectNode invoice(NsInvoice i) {
        ObjectNode o = JSON.objectNode();
        ref(o, "entity", i.entity());
        date(o, "tranDate", i.tranDate());
        date(o, "dueDate", i.dueDate());
        ref(o, "currency", i.currency());
        ref(o, "subsidiary", i.subsidiary());
        ref(o, "department", i.department());
        ref(o, "class", i.clazz());
        ref(o, "location", i.location());
        ref(o, "terms", i.terms());
        ref(o, "account", i.account());
        text(o, "memo", i.memo());
        text(o, "otherRefNum", i.otherRefNum());
        date(o, "startDate", i.startDate());
        date(o, "endDate", i.endDate());
        items(o, i.items());
        return o;
    }

    static ObjectNode creditMemo(NsCreditMemo m) {
        ObjectNode o = JSON.objectNode();
        o.put("externalId", m.externalId());
        date(o, "tranDate", m.tranDate());
        text(o, "memo", m.memo());
        ref(o, "currency", m.currency());
        ref(o, "account", m.account());
        ref(o, "postingPeriod", m.postingPeriod());
        if (m.items() != null) {
            items(o, m.items());
        }
        return o;
    }

    /** {@code invoiceIds}: the internal id of each application's invoice, in order. */
    static ObjectNode payment(NsPayment p, List<String> invoiceIds) {
        ObjectNode o = JSON.objectNode();
        o.put("externalId", p.externalId());
        ref(o, "customer", p.customer());
        date(o, "tranDate", p.tranDate());
        number(o, "payment", p.payment());
        ref(o, "currency", p.currency());
        ref(o, "subsidiary", p.subsidiary());
        if (p.account() != null) {
            o.put("undepFunds", false);
            ref(o, "account", p.account());
        }
        ref(o, "department", p.department());
        ref(o, "class", p.clazz());
        text(o, "memo", p.memo());
        if (!p.apply().isEmpty()) {
            ArrayNode items = o.putObject("apply").putArray("items");
            for (int n = 0; n < p.apply().size(); n++) {
                ObjectNode line = items.addObject();
                line.putObject("doc").put("id", invoiceIds.get(n));
                line.put("apply", true);
                number(line, "amount", p.apply().get(n).amount());
            }
        }
        return o;
    }

    /** Customer refund body of the create: the payments refunded in its apply sublist (internal ids resolved). */
    static ObjectNode refund(NsRefund r, List<String> paymentIds) {
        ObjectNode o = JSON.objectNode();
        o.put("externalId", r.externalId());
        ref(o, "customer", r.customer());
        date(o, "tranDate", r.tranDate());
        ref(o, "currency", r.currency());
        ref(o, "subsidiary", r.subsidiary());
        ref(o, "account", r.account());
        text(o, "memo", r.memo());
        ArrayNode items = o.putObject("apply").putArray("items");
        for (int n = 0; n < r.apply().size(); n++) {
            ObjectNode line = items.addObject();
            line.putObject("doc").put("id", paymentIds.get(n));
            line.put("apply", true);
            number(line, "amount", r.apply().get(n).amount());
        }
        return o;
    }

    /** Journal entry body of the eid upsert. */
    static ObjectNode journalEntry(NsJournalEntry j) {
        ObjectNode o = JSON.objectNode();
        date(o, "tranDate", j.tranDate());
        ref(o, "subsidiary", j.subsidiary());
        ref(o, "currency", j.currency());
        text(o, "memo", j.memo());
        ref(o, "department", j.department());
        ref(o, "class", j.clazz());
        ref(o, "postingPeriod", j.postingPeriod());
        ArrayNode items = o.putObject("line").putArray("items");
        for (NsJournalEntry.Line l : j.lines()) {
            ObjectNode line = items.addObject();
            ref(line, "account", l.account());
            number(line, "debit", l.debit());
            number(line, "credit", l.credit());
            text(line, "memo", l.memo());
            ref(line, "entity", l.entity());
            ref(line, "department", l.department());
            ref(line, "class", l.clazz());
        }
        return o;
    }

    private static void items(ObjectNode o, List<NsItemLine> lines) {
        ArrayNode items = o.putObject("item").putArray("items");
        for (NsItemLine l : lines) {
            ObjectNode line = items.addObject();
            ref(line, "item", l.item());
            number(line, "quantity", l.quantity());
            number(line, "rate", l.rate());
            number(line, "amount", l.amount());
            text(line, "description", l.description());
            ref(line, "taxCode", l.taxCode());
            ref(line, "department", l.department());
            ref(line, "class", l.clazz());
            date(line, "revRecStartDate", l.revRecStartDate());
            date(line, "revRecEndDate", l.revRecEndDate());
        }
    }

    private static void ref(ObjectNode o, String field, NsRef ref) {
        if (ref != null) {
            ObjectNode r = o.putObject(field);
            if (ref.id() != null) {
                r.put("id", ref.id());
            } else {
                r.put("externalId", ref.externalId());
            }
        }
    }

    private static void text(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static void number(ObjectNode o, String field, BigDecimal value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static void date(ObjectNode o, String field, LocalDate value) {
        if (value != null) {
            o.put(field, value.toString());
        }
    }
}
