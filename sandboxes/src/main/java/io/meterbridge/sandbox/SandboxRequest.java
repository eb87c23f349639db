package io.meterbridge.sandbox;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;

/**
 * One request to a sandbox, independent of JAX-RS: method, path below the sandbox root ("/v1/invoices"), raw query,
 * headers (first value, case-insensitive), and the parameters decoded to nested JSON (form body for POST, query for
 * GET).
 */
public record SandboxRequest(String method, String path, String query, Map<String, String> headers, ObjectNode params) {

    public SandboxRequest {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = copy;
    }

    /** Builds the request from JAX-RS context; {@code root} is the sandbox's base path ("/sandbox/stripe"). */
    public static SandboxRequest of(String method, String root, UriInfo uri, HttpHeaders httpHeaders, String body) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        httpHeaders.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        String path = "/" + uri.getPath().replaceFirst("^/", "");
        if (path.startsWith(root)) {
            path = path.substring(root.length());
        }
        String query = uri.getRequestUri().getRawQuery();
        boolean form = body != null && !body.isBlank();
        return new SandboxRequest(method.toUpperCase(Locale.ROOT), path, query, headers,
                FormCodec.decode(form ? body : method.equalsIgnoreCase("GET") ? query : null));
    }

    public String header(String name) {
        return headers.get(name);
    }
}
