package io.meterbridge.crm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * The system API of the CRM (Salesforce REST, {@code POST /services/data/v60.0/sobjects/Task}). One call creates the
 * follow-up task of one commitment alert. Its external id {@code Meterbridge_Alert_Key__c} is deterministic, so a
 * retry of a create that did reach the CRM gets {@code DUPLICATE_VALUE}, which means "already created".
 * Failures the route should retry throw {@link CrmUnavailableException}; a 429 sets the redelivery delay from its
 * Retry-After. Refusals a retry cannot fix throw {@link CrmRejectedException}. The bearer token is never logged.
 */
@ApplicationScoped
@Named("crmConnector")
public class CrmConnector {

    private static final Logger LOG = Logger.getLogger(CrmConnector.class);
    /** Exchange property: CRM requests made for the alert in this dispatch (redeliveries included). */
    public static final String ATTEMPTS = "meterbridgeCrmAttempts";
    static final String TASK_PATH = "/services/data/v60.0/sobjects/Task";
    private static final Pattern DUPLICATE_ID = Pattern.compile("record with id: ([A-Za-z0-9]{15,18})");

    private final CrmConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final HttpClient client;

    public CrmConnector(CrmConfig config, ObjectMapper mapper, MeterRegistry registry) {
        this.config = config;
        this.mapper = mapper;
        this.registry = registry;
        this.client = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    /** Creates the alert's task and returns the alert with the CRM's task id. */
    public CommitmentAlert createTask(CommitmentAlert alert, Exchange exchange) throws Exception {
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        if (alert.crmAccountId() == null || alert.crmAccountId().isBlank()) {
            throw new CrmRejectedException("the customer mapping of contract " + alert.contractKey()
                    + " has no crmAccountId");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(stripSlash(config.baseUrl()) + TASK_PATH))
                .timeout(config.requestTimeout())
                .header("Authorization", "Bearer " + config.accessToken())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(task(alert))))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CrmUnavailableException("CRM unreachable: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        int status = response.statusCode();
        String body = response.body();
        if (status == 200 || status == 201) {
            String id = mapper.readTree(body).path("id").asText(null);
            LOG.infof("CRM task %s created for commitment alert %s", id, alert.alertKey());
            count("created");
            return alert.withTask(id);
        }
        String errorCode = errorCode(body);
        if (status == 400 && "DUPLICATE_VALUE".equals(errorCode)) {
            Matcher id = DUPLICATE_ID.matcher(body);
            String taskId = id.find() ? id.group(1) : null;
            LOG.infof("CRM task %s already existed for commitment alert %s", taskId, alert.alertKey());
            count("existed");
            return alert.withTask(taskId);
        }
        String problem = "CRM answered " + status + (errorCode == null ? "" : " " + errorCode) + ": " + abbreviate(body);
        if (status == 429) {
            Duration wait = retryAfter(response).orElse(null);
            if (wait != null) {
                Duration capped = wait.compareTo(config.maxRetryAfter()) > 0 ? config.maxRetryAfter() : wait;
                exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, capped.toMillis());
            }
            throw new CrmUnavailableException(problem);
        }
        if (status >= 500 || status == 408) {
            throw new CrmUnavailableException(problem);
        }
        throw new CrmRejectedException(problem);
    }

    ObjectNode task(CommitmentAlert alert) {
        ObjectNode task = mapper.createObjectNode();
        String percent = alert.thresholdPercent() + "%";
        task.put("Subject", "Commitment " + percent + " reached: " + alert.metric() + " on contract " + alert.contractKey());
        task.put("Description", "Usage of " + alert.metric() + " in the billing period " + alert.periodStart() + " to "
                + alert.periodEnd() + " reached " + alert.quantityAtDetection().toPlainString() + " of the committed "
                + alert.committedQuantity().toPlainString() + " (" + percent + " threshold) for tenant "
                + alert.tenant() + ". Detected by Meterbridge at " + alert.detectedAt() + ".");
        // Salesforce: WhatId links accounts and other objects, WhoId contacts (003) and leads (00Q).
        String id = alert.crmAccountId();
        task.put(id.startsWith("003") || id.startsWith("00Q") ? "WhoId" : "WhatId", id);
        task.put("ActivityDate", LocalDate.ofInstant(alert.detectedAt(), ZoneOffset.UTC).toString());
        task.put("Priority", alert.thresholdPercent() >= 100 ? "High" : "Normal");
        task.put("Status", "Not Started");
        task.put("Meterbridge_Alert_Key__c", alert.alertKey());
        return task;
    }

    private String errorCode(String body) {
        try {
            JsonNode errors = mapper.readTree(body);
            JsonNode first = errors.isArray() ? errors.path(0) : errors;
            return first.path("errorCode").asText(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Retry-After in seconds or as an HTTP date. */
    static java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
            } catch (NumberFormatException notSeconds) {
                try {
                    Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    Duration wait = Duration.between(Instant.now(), at);
                    return java.util.Optional.of(wait.isNegative() ? Duration.ZERO : wait);
                } catch (RuntimeException notADate) {
                    return java.util.Optional.empty();
                }
            }
        });
    }

    private void count(String outcome) {
        registry.counter("meterbridge.crm.tasks", "outcome", outcome).increment();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ");
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
