package io.meterbridge.sandbox;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Form bodies in the bracket notation of Stripe and Chargebee ({@code payload[value]=25}, {@code lines[0][amount]=100},
 * {@code charges[amount][0]=100}, {@code expand[]=lines}) to nested JSON and back.
 * <p>
 * Decoding keeps every value a string (a form has no types): validate with a type-loose schema. An object whose keys
 * are all array indexes becomes an array in index order, so {@code lines[0][..]}, {@code lines[1][..]} is a list.
 */
public final class FormCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FormCodec() {
    }

    /** Decodes an x-www-form-urlencoded body or query string (null or empty gives an empty object). */
    public static ObjectNode decode(String form) {
        ObjectNode root = NODES.objectNode();
        if (form == null || form.isBlank()) {
            return root;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            put(root, path(key), value);
        }
        return (ObjectNode) arrays(root);
    }

    /** {@code a[b][0]} to [a, b, 0]; {@code a[]} to [a, ""] (append). A malformed key is taken as one name. */
    static List<String> path(String key) {
        List<String> segments = new ArrayList<>();
        int open = key.indexOf('[');
        if (open <= 0 || !key.endsWith("]")) {
            segments.add(key);
            return segments;
        }
        segments.add(key.substring(0, open));
        int i = open;
        while (i < key.length()) {
            int close = key.indexOf(']', i);
            if (key.charAt(i) != '[' || close < 0) {
                return List.of(key);
            }
            segments.add(key.substring(i + 1, close));
            i = close + 1;
        }
        return segments;
    }

    private static void put(ObjectNode root, List<String> path, String value) {
        ObjectNode node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String segment = path.get(i);
            String child = appendKey(node, segment, path.get(i + 1));
            JsonNode existing = node.get(child);
            if (!(existing instanceof ObjectNode)) {
                existing = NODES.objectNode();
                node.set(child, existing);
            }
            node = (ObjectNode) existing;
        }
        String last = path.get(path.size() - 1);
        node.put(last.isEmpty() ? String.valueOf(node.size()) : last, value);
    }

    /** An empty segment ({@code a[]}) appends: it takes the next free index. */
    private static String appendKey(ObjectNode node, String segment, String next) {
        return segment.isEmpty() ? String.valueOf(node.size()) : segment;
    }

    /** Objects keyed 0..n-1 become arrays, bottom-up. */
    private static JsonNode arrays(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode object = (ObjectNode) node;
        Map<Integer, JsonNode> indexed = new TreeMap<>();
        boolean allIndexes = object.size() > 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            field.setValue(arrays(field.getValue()));
            if (allIndexes && field.getKey().matches("\\d{1,6}")) {
                indexed.put(Integer.parseInt(field.getKey()), field.getValue());
            } else {
                allIndexes = false;
            }
        }
        if (!allIndexes) {
            return object;
        }
        ArrayNode array = NODES.arrayNode();
        indexed.values().forEach(array::add);
        return array;
    }

    /** Encodes nested JSON in bracket notation (arrays as {@code a[0]}); nulls are skipped. Used by clients. */
    public static String encode(JsonNode node) {
        StringBuilder out = new StringBuilder();
        encode(out, null, node);
        return out.toString();
    }

    private static void encode(StringBuilder out, String prefix, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> encode(out, prefix == null ? f.getKey() : prefix + "[" + f.getKey() + "]",
                    f.getValue()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                encode(out, prefix + "[" + i + "]", node.get(i));
            }
        } else {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(URLEncoder.encode(prefix, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(node.asText(), StandardCharsets.UTF_8));
        }
    }
}
