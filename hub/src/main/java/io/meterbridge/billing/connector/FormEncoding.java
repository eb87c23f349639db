package io.meterbridge.billing.connector;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * application/x-www-form-urlencoded with bracket notation, as Stripe and Chargebee take it:
 * {@code metadata[key]=v}, {@code lines[0][amount]=100}. Maps keep their insertion order.
 */
public final class FormEncoding {

    private FormEncoding() {
    }

    public static String encode(Map<String, Object> params) {
        StringJoiner form = new StringJoiner("&");
        params.forEach((name, value) -> append(form, name, value));
        return form.toString();
    }

    private static void append(StringJoiner form, String name, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> append(form, name + "[" + k + "]", v));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                append(form, name + "[" + i + "]", list.get(i));
            }
        } else {
            String text = value instanceof BigDecimal decimal ? decimal.toPlainString() : String.valueOf(value);
            form.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
        }
    }
}
