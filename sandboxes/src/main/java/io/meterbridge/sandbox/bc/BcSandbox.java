package io.meterbridge.sandbox.bc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.Operation;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxException;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResponse;
import jakarta.inject.Singleton;

/**
 * The Business Central sandbox: its pipeline (faults, bearer token, 6,000 requests per 5 minutes, journal), the per-user
 * limit of 5 concurrent requests (429 {@code Application_TooManyRequests} beyond, with the highest concurrency ever
 * seen kept for {@code _sandbox/stats}), the router of API paths (also used for the operations of a {@code $batch}),
 * spec validation and the state.
 */
@Singleton
public class BcSandbox {

    static final int CONCURRENT_REQUESTS_PER_USER = 5;
    static final int MAX_BATCH_OPERATIONS = 100;

    /** companies({id})/{set}[({key})][/{sub}] below the API root. */
    private static final Pattern ENTITY_PATH = Pattern.compile(
            "/companies\\(([^)/]+)\\)/(\\w+)(?:\\(([^)/]+)\\))?(?:/([\\w.]+))?/?");
    private static final Pattern FILTER_TERM = Pattern.compile(
            "\\s*(\\w+)\\s+eq\\s+('(?:[^']|'')*'|[^\\s']+)\\s*(?:and\\b|$)", Pattern.CASE_INSENSITIVE);
    private static final Pattern API_ROOT = Pattern.compile("^.*?/api/v2\\.0(?=/)");

    private final SandboxPipeline pipeline;
    private final BcTokens tokens = new BcTokens();
    private final BcSpec spec;
    private final BcState state;
    private final ObjectMapper mapper;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxConcurrency = new ConcurrentHashMap<>();
    private final AtomicLong concurrencyRejected = new AtomicLong();
    private final AtomicLong tokensIssued = new AtomicLong();
    private final AtomicLong answersLost = new AtomicLong();

    /**
     * A targeted fault (control API {@code PUT _sandbox/lose-answers}): the next {@code count} requests with this
     * method whose API path ends with {@code pathSuffix} take effect, then answer 500, as if the answer were lost.
     */
    public record LoseAnswers(String method, String pathSuffix, int count) {
    }

    private LoseAnswers loseAnswers;

    public BcSandbox(SandboxConfig config, ObjectMapper mapper) {
        this.mapper = mapper;
        this.spec = new BcSpec(mapper);
        this.state = new BcState(spec);
        this.pipeline = new SandboxPipeline(new BcDialect(tokens), config);
    }

    public SandboxPipeline pipeline() {
        return pipeline;
    }

    BcTokens tokens() {
        return tokens;
    }

    /** The token endpoint issued one more token. */
    void tokenIssued() {
        tokensIssued.incrementAndGet();
    }

    /**
     * One API request: counts it against its user's concurrent requests (a 429 beyond 5), then runs it through the
     * pipeline. {@code company} is "tenant/environment"; {@code apiPath} the path below .../api/v2.0.
     */
    SandboxResponse handle(SandboxRequest request, String tenantEnv, String apiPath, boolean malformedBody) {
        String user = tokens.userOf(request);
        AtomicInteger counter = user == null ? null : inFlight.computeIfAbsent(user, k -> new AtomicInteger());
        if (counter != null) {
            int now = counter.incrementAndGet();
            maxConcurrency.computeIfAbsent(user, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            if (now > CONCURRENT_REQUESTS_PER_USER) {
                counter.decrementAndGet();
                concurrencyRejected.incrementAndGet();
                pipeline.stats().received.incrementAndGet();
                pipeline.stats().rateLimited.incrementAndGet();
                SandboxResponse refused = new BcDialect(tokens).error(429, ErrorKind.RATE_LIMIT,
                        BcErrors.TOO_MANY_REQUESTS, "The request was rejected: the limit of "
                                + CONCURRENT_REQUESTS_PER_USER + " concurrent requests per user was exceeded. Retry "
                                + "after 1 s.", null).withHeader("Retry-After", "1");
                pipeline.journal().record(request, null, refused, false, "CONCURRENCY_LIMIT");
                return refused;
            }
        }
        try {
            return pipeline.handle(request, new Operation(operationName(apiPath), null, false,
                    r -> {
                        if (malformedBody) {
                            pipeline.stats().rejectedValidation.incrementAndGet();
                            throw BcErrors.badRequest(BcErrors.INVALID_BODY, "The request body is not a JSON object.");
                        }
                        SandboxResponse done = execute(tenantEnv, r.method(), apiPath, r.query(), r.headers(), r.params(),
                                true);
                        if (done.status() < 300 && loseAnswer(r.method(), apiPath)) {
                            answersLost.incrementAndGet();
                            throw new SandboxException(500, ErrorKind.SERVER_ERROR, "Internal_ServerError",
                                    "An unexpected error occurred after the request took effect (sandbox switch "
                                            + "lose-answers).", null);
                        }
                        return done;
                    }));
        } finally {
            if (counter != null) {
                counter.decrementAndGet();
            }
        }
    }

    private static String operationName(String apiPath) {
        Matcher m = ENTITY_PATH.matcher(apiPath);
        return m.matches() ? m.group(2) + (m.group(4) == null ? "" : "/" + m.group(4)) : apiPath;
    }

    /** Runs one operation (a request or an operation of a batch) under the state lock. */
    private SandboxResponse execute(String tenantEnv, String method, String apiPath, String query,
            Map<String, String> headers, JsonNode body, boolean topLevel) {
        try {
            if (apiPath.equals("/$batch")) {
                if (!topLevel) {
                    throw BcErrors.badRequest(BcErrors.INVALID_URL, "A batch cannot contain a batch.");
                }
                return batch(tenantEnv, headers, body);
            }
            synchronized (state) {
                return route(tenantEnv, method, apiPath, query == null ? "" : query, headers, body);
            }
        } catch (SandboxException e) {
            if (e.status() == 400) {
                pipeline.stats().rejectedValidation.incrementAndGet();
            }
            throw e;
        }
    }

    private SandboxResponse route(String tenantEnv, String method, String apiPath, String query,
            Map<String, String> headers, JsonNode body) {
        Matcher m = ENTITY_PATH.matcher(apiPath);
        if (!m.matches()) {
            throw BcSpec.unsupported(method + " " + apiPath);
        }
        String companyId = m.group(1);
        String set = m.group(2);
        String key = m.group(3);
        String sub = m.group(4);
        if (!companyId.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            throw BcErrors.badRequest(BcErrors.INVALID_URL, "The company id '" + companyId + "' is not a valid GUID.");
        }
        if (method.equals("POST") && sub != null && sub.startsWith("Microsoft.NAV.") && body != null
                && body.isObject() && body.isEmpty()) {
            body = null; // a bound action without a body (the journal keeps {} for it)
        }
        if (method.equals("POST")) {
            String entitySet = sub == null ? set : sub.contains(".") ? null : sub;
            if (entitySet != null) {
                spec.checkReadOnly(entitySet, body);
            }
            spec.validate(method, apiPath, body == null || body.isNull() ? null : body.toString(), Map.of());
        }
        BcState.Company company = state.company(tenantEnv + "/" + companyId.toLowerCase(Locale.ROOT));
        String context = "companies(" + companyId + ")/" + set;
        Map<String, String> params = query(query);
        boolean expandLines = params.getOrDefault("$expand", "").contains("Lines");
        switch (method) {
            case "GET" -> {
                if (key == null && sub == null) {
                    Predicate<ObjectNode> filter = filter(params.get("$filter"));
                    ArrayNode value = BcState.JSON.arrayNode();
                    state.list(company, set, filter).forEach(e -> value.add(render(company, set, e, expandLines)));
                    ObjectNode list = BcState.JSON.objectNode();
                    list.put("@odata.context", "$metadata#" + context);
                    list.set("value", value);
                    return SandboxResponse.of(200, list);
                }
                ObjectNode owner = state.get(company, set, key);
                if (sub == null) {
                    return SandboxResponse.of(200, render(company, set, owner, expandLines));
                }
                if (!List.of("salesInvoiceLines", "salesCreditMemoLines", "journalLines").contains(sub)) {
                    throw BcSpec.unsupported(method + " " + apiPath);
                }
                Predicate<ObjectNode> filter = filter(params.get("$filter"));
                ArrayNode value = BcState.JSON.arrayNode();
                state.lines(company, key).stream().filter(filter).forEach(l -> value.add(l.deepCopy()));
                ObjectNode list = BcState.JSON.objectNode();
                list.put("@odata.context", "$metadata#" + context + "(" + key + ")/" + sub);
                list.set("value", value);
                return SandboxResponse.of(200, list);
            }
            case "POST" -> {
                if (body == null || !body.isObject()) {
                    if (sub == null || !sub.startsWith("Microsoft.NAV.")) {
                        throw BcErrors.badRequest(BcErrors.INVALID_BODY, "The request body must be a JSON object.");
                    }
                }
                if (key == null && sub == null) {
                    ObjectNode created = switch (set) {
                        case "customers" -> state.createCustomer(company, body);
                        case "salesInvoices", "salesCreditMemos" -> state.createDocument(company, set, body);
                        case "journals" -> state.createJournal(company, body);
                        default -> throw BcSpec.unsupported(method + " " + apiPath);
                    };
                    return created(company, set, context, created);
                }
                if (key == null) {
                    throw BcSpec.unsupported(method + " " + apiPath);
                }
                switch (set + "/" + sub) {
                    case "salesInvoices/salesInvoiceLines", "salesCreditMemos/salesCreditMemoLines" -> {
                        ObjectNode line = state.addLine(company, sub, state.get(company, set, key), body);
                        return SandboxResponse.of(201, line.deepCopy());
                    }
                    case "journals/journalLines" -> {
                        return SandboxResponse.of(201, state.addJournalLine(company, key, body).deepCopy());
                    }
                    case "salesInvoices/Microsoft.NAV.post" -> {
                        state.postInvoice(company, key);
                        return SandboxResponse.of(204, null);
                    }
                    case "salesCreditMemos/Microsoft.NAV.post" -> {
                        state.postCreditMemo(company, key);
                        return SandboxResponse.of(204, null);
                    }
                    case "journals/Microsoft.NAV.post" -> {
                        state.postJournal(company, key);
                        return SandboxResponse.of(204, null);
                    }
                    case "salesInvoices/Microsoft.NAV.makeCorrectiveCreditMemo" -> {
                        ObjectNode memo = state.makeCorrectiveCreditMemo(company, key);
                        return created(company, "salesCreditMemos", "companies(" + companyId + ")/salesCreditMemos",
                                memo);
                    }
                    default -> throw BcSpec.unsupported(method + " " + apiPath);
                }
            }
            default -> throw new SandboxException(405, ErrorKind.INVALID_REQUEST, BcErrors.METHOD_NOT_ALLOWED,
                    "The sandbox does not support " + method + " on " + apiPath + ".", null);
        }
    }

    private SandboxResponse created(BcState.Company company, String set, String context, ObjectNode entity) {
        return SandboxResponse.of(201, render(company, set, entity, true))
                .withHeader("Location", context + "(" + entity.get("id").asText() + ")");
    }

    /** The entity as BC answers it: @odata.etag first, the page's fields, the lines when expanded. */
    private ObjectNode render(BcState.Company company, String set, ObjectNode entity, boolean expandLines) {
        ObjectNode out = BcState.JSON.objectNode();
        out.put("@odata.etag", "W/\"JzE5OzE" + Integer.toHexString(entity.toString().hashCode()) + "Oyc=\"");
        out.setAll(entity.deepCopy());
        String part = switch (set) {
            case "salesInvoices" -> "salesInvoiceLines";
            case "salesCreditMemos" -> "salesCreditMemoLines";
            case "journals" -> "journalLines";
            default -> null;
        };
        if (expandLines && part != null) {
            ArrayNode lines = out.putArray(part);
            state.lines(company, entity.get("id").asText()).forEach(l -> lines.add(l.deepCopy()));
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(name, value);
        }
        return out;
    }

    /** $filter with equality terms joined by "and": {@code number eq 'C1' and status eq 'Draft'}. */
    static Predicate<ObjectNode> filter(String expression) {
        if (expression == null || expression.isBlank()) {
            return e -> true;
        }
        Matcher m = FILTER_TERM.matcher(expression);
        List<Predicate<ObjectNode>> terms = new ArrayList<>();
        int end = 0;
        while (m.find() && m.start() == end) {
            String field = m.group(1);
            String raw = m.group(2);
            boolean quoted = raw.startsWith("'");
            String value = quoted ? raw.substring(1, raw.length() - 1).replace("''", "'") : raw;
            terms.add(e -> {
                JsonNode actual = e.get(field);
                if (actual == null) {
                    return false;
                }
                if (!quoted && actual.isNumber()) {
                    try {
                        return actual.decimalValue().compareTo(new java.math.BigDecimal(value)) == 0;
                    } catch (NumberFormatException ex) {
                        return false;
                    }
                }
                return actual.asText().equalsIgnoreCase(value) && (quoted || !actual.isTextual()
                        || value.matches("[0-9a-fA-F-]{36}"));
            });
            end = m.end();
        }
        if (end != expression.length() || terms.isEmpty()) {
            throw BcErrors.badRequest(BcErrors.INVALID_URL, "The $filter expression '" + expression + "' is not "
                    + "supported by the sandbox (only equality terms joined by 'and').");
        }
        return e -> terms.stream().allMatch(t -> t.test(e));
    }

    /**
     * POST $batch: at most 100 operations, run in order. With {@code Isolation: snapshot} the batch is one
     * transaction: the first failing operation rolls every change back, and the operations not run answer 424.
     */
    private SandboxResponse batch(String tenantEnv, Map<String, String> headers, JsonNode body) {
        if (body == null || !body.path("requests").isArray()) {
            throw BcErrors.badRequest(BcErrors.INVALID_BODY, "A JSON batch request needs a 'requests' array.");
        }
        int count = body.get("requests").size();
        if (count > MAX_BATCH_OPERATIONS) {
            throw BcErrors.badRequest(BcErrors.BATCH_TOO_LARGE, "The batch contains " + count + " operations; at most "
                    + MAX_BATCH_OPERATIONS + " operations are allowed in one batch request.");
        }
        spec.validate("POST", "/$batch", body.toString(), headers.containsKey("Isolation")
                ? Map.of("Isolation", headers.get("Isolation")) : Map.of());
        boolean snapshot = "snapshot".equalsIgnoreCase(headers.getOrDefault("Isolation", ""));
        ArrayNode responses = BcState.JSON.arrayNode();
        synchronized (state) {
            Map<String, BcState.Company> before = snapshot ? state.snapshot() : null;
            Set<String> failed = new HashSet<>();
            boolean rolledBack = false;
            for (JsonNode op : body.get("requests")) {
                String id = op.path("id").asText();
                ObjectNode response = responses.addObject();
                response.put("id", id);
                boolean dependencyFailed = false;
                for (JsonNode dep : op.path("dependsOn")) {
                    dependencyFailed |= failed.contains(dep.asText());
                }
                SandboxResponse answer;
                if (rolledBack || dependencyFailed) {
                    answer = pipelineError(424, BcErrors.DIALOG, "The operation was not run: "
                            + (rolledBack ? "an earlier operation of the transactional batch failed." : "an operation it "
                                    + "depends on failed."));
                } else {
                    String url = op.path("url").asText();
                    String path = API_ROOT.matcher(url).replaceFirst("");
                    String q = null;
                    if (path.contains("?")) {
                        q = path.substring(path.indexOf('?') + 1);
                        path = path.substring(0, path.indexOf('?'));
                    }
                    if (!path.startsWith("/")) {
                        path = "/" + path;
                    }
                    try {
                        answer = execute(tenantEnv, op.path("method").asText().toUpperCase(Locale.ROOT), path, q,
                                Map.of(), op.get("body"), false);
                    } catch (SandboxException e) {
                        answer = pipelineError(e.status(), e.code(), e.getMessage());
                    }
                }
                response.put("status", answer.status());
                ObjectNode h = response.putObject("headers");
                if (answer.body() != null) {
                    h.put("content-type", "application/json; odata.metadata=minimal; odata.streaming=true");
                    response.set("body", answer.body());
                }
                answer.headers().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
                if (answer.status() >= 400) {
                    failed.add(id);
                    if (snapshot && !rolledBack) {
                        state.restore(before);
                        rolledBack = true;
                    }
                }
            }
        }
        ObjectNode out = BcState.JSON.objectNode();
        out.set("responses", responses);
        return SandboxResponse.of(200, out);
    }

    private SandboxResponse pipelineError(int status, String code, String message) {
        return new BcDialect(tokens).error(status, ErrorKind.INVALID_REQUEST, code, message, null);
    }

    // ---- control API

    synchronized void loseAnswers(LoseAnswers next) {
        loseAnswers = next == null || next.count() <= 0 ? null : next;
    }

    synchronized LoseAnswers loseAnswers() {
        return loseAnswers;
    }

    private synchronized boolean loseAnswer(String method, String apiPath) {
        LoseAnswers l = loseAnswers;
        if (l == null || !l.method().equalsIgnoreCase(method) || !apiPath.endsWith(l.pathSuffix())) {
            return false;
        }
        loseAnswers = l.count() > 1 ? new LoseAnswers(l.method(), l.pathSuffix(), l.count() - 1) : null;
        return true;
    }

    Map<String, Object> extraStats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("maxConcurrency", maxConcurrency.values().stream().mapToInt(AtomicInteger::get).max().orElse(0));
        Map<String, Integer> byUser = new java.util.TreeMap<>();
        maxConcurrency.forEach((user, max) -> byUser.put(user, max.get()));
        out.put("maxConcurrencyByUser", byUser);
        out.put("concurrencyRejected", concurrencyRejected.get());
        out.put("tokensIssued", tokensIssued.get());
        out.put("answersLost", answersLost.get());
        return out;
    }

    /** Everything of one type the sandbox holds (lines expanded), with the company each belongs to. */
    List<ObjectNode> records(String type) {
        synchronized (state) {
            List<ObjectNode> out = new ArrayList<>();
            state.companies().forEach((key, company) -> {
                for (ObjectNode e : company.table(type).values()) {
                    ObjectNode r = BcState.JSON.objectNode();
                    r.put("company", key);
                    r.setAll(render(company, type, e, true));
                    r.remove("@odata.etag");
                    out.add(r);
                }
            });
            return out;
        }
    }

    void clearRecords() {
        synchronized (state) {
            state.clear();
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }
}
