package io.meterbridge.ingest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.platform.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The value limits of docs/api/ingest.md#limits: every event that passes them can be claimed, published, metered and
 * quarantined without PostgreSQL refusing a value (NUL characters, unpaired surrogates, index entries over btree's
 * limit, timestamps out of range, numbers that do not stay exact). A violation names the field and the limit, never
 * the value: it may be personal, and it is what could not be stored.
 */
@ApplicationScoped
public class ValueLimits {

    /** Attributes kept as sent and used as keys or in indexes: bounded in length, no control characters. */
    static final Set<String> KEY_ATTRIBUTES = Set.of("id", "source", "type", "subject", "time", "dataschema",
            "datacontenttype", EventValidator.RETRACTS_ATTRIBUTE, EventValidator.CORRECTS_ATTRIBUTE);
    /**
     * A number with a fraction or an exponent is read as a binary double (the hub's JSON reading, in ingestion and in
     * metering); up to 15 significant digits it comes back exactly as sent, beyond that not always.
     */
    static final int DOUBLE_EXACT_DIGITS = 15;
    /** A field name in a reason is cut here: the reason names the place, it need not repeat a pasted blob. */
    private static final int NAME_IN_REASON = 64;

    public record Violation(String code, String detail) {
    }

    private final int maxAttributeLength;
    private final Duration maxAge;
    private final Duration maxLead;
    private final int maxIntegerDigits;
    private final int maxFractionDigits;

    /** |x| below this is within maxIntegerDigits; null when every long is (19 digits or more allowed). */
    private final Long longBound;
    private final BigInteger integerBound;

    @Inject
    public ValueLimits(HubConfig config) {
        this(config.ingest().maxAttributeLength(), config.ingest().maxEventAge(), config.ingest().maxEventLead(),
                config.ingest().maxIntegerDigits(), config.ingest().maxFractionDigits());
    }

    ValueLimits(int maxAttributeLength, Duration maxAge, Duration maxLead, int maxIntegerDigits, int maxFractionDigits) {
        this.maxAttributeLength = maxAttributeLength;
        this.maxAge = maxAge;
        this.maxLead = maxLead;
        this.maxIntegerDigits = maxIntegerDigits;
        this.maxFractionDigits = maxFractionDigits;
        this.integerBound = BigInteger.TEN.pow(maxIntegerDigits);
        this.longBound = maxIntegerDigits < 19 ? integerBound.longValueExact() : null;
    }

    /** Every attribute but {@code data}: names and values. Null when they are all within the limits. */
    public Violation checkAttributes(ObjectNode event) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = event.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            String problem = characters(name, false);
            if (problem != null) {
                return new Violation("bad_character", "event: an attribute name " + problem);
            }
            if (name.equals("data")) {
                continue; // checkData, with the paths of its fields
            }
            JsonNode value = field.getValue();
            if (KEY_ATTRIBUTES.contains(name) && value.isTextual()) {
                String text = value.asText();
                problem = characters(text, true);
                if (problem != null) {
                    return new Violation("bad_character", name + ": " + problem);
                }
                if (text.codePointCount(0, text.length()) > maxAttributeLength) {
                    return new Violation("too_long", name + ": longer than " + maxAttributeLength + " characters");
                }
            } else {
                Violation violation = check(value, name);
                if (violation != null) {
                    return violation;
                }
            }
        }
        return null;
    }

    /** {@code time} within [receipt - max age, receipt + max lead]. */
    public Violation checkTime(Instant time, Instant receivedAt) {
        if (time.isBefore(receivedAt.minus(maxAge))) {
            return new Violation("time_range", "time: more than " + human(maxAge)
                    + " before the hub received the event (oldest accepted)");
        }
        if (time.isAfter(receivedAt.plus(maxLead))) {
            return new Violation("time_range", "time: more than " + human(maxLead)
                    + " after the hub received the event (furthest ahead accepted)");
        }
        return null;
    }

    /** Every string, field name and number of {@code data}, depth first. */
    public Violation checkData(JsonNode data) {
        return check(data, "data");
    }

    /** A value and the place it sits at, e.g. "data" or "region". */
    private Violation check(JsonNode node, String root) {
        ArrayDeque<Object> path = new ArrayDeque<>();
        String[] problem = new String[2]; // code, text
        return walk(node, path, problem) ? null : new Violation(problem[0], path(root, path) + problem[1]);
    }

    /**
     * True when everything under {@code node} is within the limits; else {@code path} holds where (field names and
     * array indexes, outermost first) and {@code problem} what. The path is only turned into text on a violation:
     * this runs over every field of every event.
     */
    private boolean walk(JsonNode node, ArrayDeque<Object> path, String[] problem) {
        if (node.isTextual()) {
            return ok(characters(node.textValue(), false), "bad_character", "", problem);
        }
        if (node.isNumber()) {
            return ok(number(node), "number_range", "", problem);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!ok(characters(field.getKey(), false), "bad_character", "a field name ", problem)) {
                    return false;
                }
                path.addLast(field.getKey());
                if (!walk(field.getValue(), path, problem)) {
                    return false;
                }
                path.removeLast();
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.addLast(i);
                if (!walk(node.get(i), path, problem)) {
                    return false;
                }
                path.removeLast();
            }
        }
        return true;
    }

    private static boolean ok(String failure, String code, String prefix, String[] problem) {
        if (failure == null) {
            return true;
        }
        problem[0] = code;
        problem[1] = prefix + failure;
        return false;
    }

    private static String path(String root, ArrayDeque<Object> path) {
        StringBuilder text = new StringBuilder(root);
        for (Object element : path) {
            if (element instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                text.append('.').append(shortened((String) element));
            }
        }
        return text.append(": ").toString();
    }

    /**
     * What PostgreSQL refuses in text and jsonb: NUL, and an unpaired surrogate (it is not Unicode; the JDBC driver
     * would turn it into '?', so two different ids could claim as one). In key attributes no control character at all.
     */
    static String characters(String text, boolean noControls) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains a NUL character (U+0000), which is not allowed";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (not valid Unicode)";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (not valid Unicode)";
            }
            if (noControls && (c < 0x20 || (c >= 0x7f && c <= 0x9f))) {
                return "contains a control character (U+0000-U+001F, U+007F-U+009F), which is not allowed here";
            }
        }
        return null;
    }

    private String number(JsonNode node) {
        if (node.isIntegralNumber()) {
            // Exact whatever its size (int, long, BigInteger): only the magnitude is bounded.
            boolean within = longBound != null && node.canConvertToLong()
                    ? node.longValue() > -longBound && node.longValue() < longBound
                    : node.bigIntegerValue().abs().compareTo(integerBound) < 0;
            return within ? null : "more than " + maxIntegerDigits + " digits before the decimal point";
        }
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return "more than " + maxIntegerDigits + " digits before the decimal point";
        }
        BigDecimal value = node.decimalValue().stripTrailingZeros();
        int integerDigits = Math.max(0, value.precision() - value.scale());
        if (integerDigits > maxIntegerDigits) {
            return "more than " + maxIntegerDigits + " digits before the decimal point";
        }
        if (value.scale() > maxFractionDigits) {
            return "more than " + maxFractionDigits + " digits after the decimal point";
        }
        if (value.precision() > DOUBLE_EXACT_DIGITS) {
            return "more than " + DOUBLE_EXACT_DIGITS + " significant digits in a number with a fraction or an "
                    + "exponent (it would not stay exact; send larger exact values as integers)";
        }
        return null;
    }

    private static String shortened(String name) {
        return name.codePointCount(0, name.length()) <= NAME_IN_REASON ? name
                : name.substring(0, name.offsetByCodePoints(0, NAME_IN_REASON)) + "…";
    }

    /** P400D as "400 days", PT5M as "5 minutes": the limit as a producer reads it. */
    static String human(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds % 86_400 == 0) {
            return plural(seconds / 86_400, "day");
        }
        if (seconds % 3_600 == 0) {
            return plural(seconds / 3_600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
