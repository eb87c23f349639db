package io.meterbridge.ingest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges of each value limit, without the hub: just inside passes, just outside is refused with its code. (The
 * HTTP and raw-topic answers are ValueLimitsTest's.)
 */
class ValueLimitsRulesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ValueLimits limits = new ValueLimits(256, Duration.ofDays(400), Duration.ofMinutes(5), 18, 15);

    private static ObjectNode event(String id) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("specversion", "1.0").put("id", id).put("source", "demo").put("type", "api.request").put("subject", "acme");
        return event;
    }

    private ValueLimits.Violation number(Object value) throws Exception {
        ObjectNode data = MAPPER.createObjectNode();
        data.set("q", value instanceof String json ? MAPPER.readTree(json) : (com.fasterxml.jackson.databind.JsonNode) value);
        return limits.checkData(data);
    }

    @Test
    void lengthCountsCharactersNotUtf16UnitsOrBytes() {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units, four UTF-8 bytes
        assertThat(limits.checkAttributes(event(emoji.repeat(256)))).isNull();
        assertThat(limits.checkAttributes(event(emoji.repeat(257))))
                .isEqualTo(new ValueLimits.Violation("too_long", "id: longer than 256 characters"));
        assertThat(limits.checkAttributes(event("x".repeat(256)))).isNull();
    }

    @Test
    void surrogatePairsPassUnpairedOnesDoNot() {
        assertThat(ValueLimits.characters("a\uD83D\uDE00b", true)).isNull();
        assertThat(ValueLimits.characters("a\uD83D", false)).contains("unpaired surrogate");
        assertThat(ValueLimits.characters("\uDE00\uD83D", false)).contains("unpaired surrogate");
        assertThat(ValueLimits.characters("line\nbreak\ttab", false)).isNull(); // harmless in data
        assertThat(ValueLimits.characters("line\nbreak", true)).contains("control character");
        assertThat(ValueLimits.characters("nbsp\u0085", true)).contains("control character");
        assertThat(ValueLimits.characters("caf\u00e9 \u20ac", true)).isNull();
    }

    @Test
    void integersUpTo18DigitsEitherSign() throws Exception {
        assertThat(number(LongNode.valueOf(999_999_999_999_999_999L))).isNull();
        assertThat(number(LongNode.valueOf(-999_999_999_999_999_999L))).isNull();
        assertThat(number(LongNode.valueOf(1_000_000_000_000_000_000L)).code()).isEqualTo("number_range");
        assertThat(number(LongNode.valueOf(Long.MIN_VALUE)).code()).isEqualTo("number_range");
        assertThat(number(new BigIntegerNode(new BigInteger("-1000000000000000000000"))).code()).isEqualTo("number_range");
        assertThat(number("0")).isNull();
    }

    @Test
    void fractionsUpTo15DigitsAfterThePointAnd15Significant() throws Exception {
        assertThat(number("0.000000000000001")).isNull();
        assertThat(number("0.0000000000000001").detail()).isEqualTo("data.q: more than 15 digits after the decimal point");
        assertThat(number("123456789.123456")).isNull();
        assertThat(number("123456789.1234567").detail()).contains("more than 15 significant digits");
        assertThat(number("1.5e17")).isNull(); // 18 digits before the point, exact as a double
        assertThat(number("1.5e18").detail()).isEqualTo("data.q: more than 18 digits before the decimal point");
        assertThat(number(new DoubleNode(Double.POSITIVE_INFINITY)).code()).isEqualTo("number_range");
        assertThat(number(new DecimalNode(new BigDecimal("2.50")))).isNull(); // trailing zeros are not digits
    }

    @Test
    void theTimeWindowIsMeasuredFromReceipt() {
        Instant received = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(limits.checkTime(received.minus(Duration.ofDays(400)), received)).isNull();
        assertThat(limits.checkTime(received.minus(Duration.ofDays(400)).minusMillis(1), received).detail())
                .isEqualTo("time: more than 400 days before the hub received the event (oldest accepted)");
        assertThat(limits.checkTime(received.plus(Duration.ofMinutes(5)), received)).isNull();
        assertThat(limits.checkTime(received.plus(Duration.ofMinutes(5)).plusMillis(1), received).detail())
                .isEqualTo("time: more than 5 minutes after the hub received the event (furthest ahead accepted)");
        assertThat(ValueLimits.human(Duration.ofHours(36))).isEqualTo("36 hours");
        assertThat(ValueLimits.human(Duration.ofDays(1))).isEqualTo("1 day");
    }

    @Test
    void aLongFieldNameIsCutInTheReason() throws Exception {
        ObjectNode data = MAPPER.createObjectNode();
        data.putObject("k".repeat(1000)).put("v", "\u0000");
        String detail = limits.checkData(data).detail();
        assertThat(detail).startsWith("data." + "k".repeat(64) + "….v: contains a NUL character").hasSizeLessThan(200);
    }
}
