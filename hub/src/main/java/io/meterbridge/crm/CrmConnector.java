package io.meterbridge.crm;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import io.meterbridge.platform.RetryAfter;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * The system API of the CRM (Salesforce REST, {@code POST /services/data/v60.0/sobjects/Task}). One call creates the
 * follow-up task of one commitment alert. Its external id {@code Meterbridge_Alert_Key__c} is deterministic, so a
 * retry of a create that did reach the CRM gets {@code DUPLICATE_VALUE}, which means "already created".
 * Failures the route should retry throw {@link CrmUnavailableException}, a 429's with its Retry-After (capped by
 * hub.crm.max-retry-after), which the route's redelivery honours (platform RetryAfterRedelivery). Refusals a retry
 * cannot fix throw {@link CrmRejectedException}. The bearer token is never logged.
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
    private final ProducerTemplate producer;

    public CrmConnector(CrmConfig config, ObjectMapper mapper, MeterRegistry registry, ProducerTemplate producer) {
        this.config = config;
        this.mapper = mapper;
        this.registry = registry;
        this.producer = producer;
    }

    /**
     * Creates the alert's task and returns the alert with the CRM's task id. One request, sent as a fresh exchange
     * to route crm-call (vendor-call template: throttle, circuit breaker, Camel's http component), so no header of
     * the alert's exchange travels to the CRM and the token never reaches it.
     */
    public CommitmentAlert createTask(CommitmentAlert alert, Exchange exchange) throws Exception {
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        if (alert.crmAccountId() == null || alert.crmAccountId().isBlank()) {
            throw new CrmRejectedException("the customer mapping of contract " + alert.contractKey()
                    + " has no crmAccountId");
        }
        byte[] body = mapper.writeValueAsBytes(task(alert));
        Exchange result = producer.send("direct:crm-call", call -> {
            var message = call.getMessage();
            message.setHeader("Authorization", "Bearer " + config.accessToken());
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setHeader("Accept", "application/json");
            message.setHeader(Exchange.HTTP_METHOD, "POST");
            message.setHeader(Exchange.HTTP_PATH, TASK_PATH.substring(1));
            message.setBody(body);
        });
        Exception failure = result.getException();
        if (failure instanceof IOException e) {
            throw new CrmUnavailableException("CRM unreachable: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        if (failure != null) {
            throw failure;
        }
        JsonNode task = result.getMessage().getBody(JsonNode.class);
        String id = task.path("id").asText(null);
        if (task.path("existed").asBoolean()) {
            LOG.infof("CRM task %s already existed for commitment alert %s", id, alert.alertKey());
            count("existed");
        } else {
            LOG.infof("CRM task %s created for commitment alert %s", id, alert.alertKey());
            count("created");
        }
        return alert.withTask(id);
    }

    /**
     * The answer step of route crm-call, inside its circuit breaker: the created task ({@code id}), or the task that
     * exists already ({@code DUPLICATE_VALUE} on the external id: {@code id}, {@code existed}), else the failure.
     */
    public JsonNode answer(Exchange exchange) throws Exception {
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 0 : code;
        String body = exchange.getMessage().getBody(String.class);
        if (status == 200 || status == 201) {
            return mapper.readTree(body);
        }
        String errorCode = errorCode(body);
        if (status == 400 && "DUPLICATE_VALUE".equals(errorCode)) {
            Matcher id = DUPLICATE_ID.matcher(body);
            ObjectNode existing = mapper.createObjectNode().put("existed", true);
            return id.find() ? existing.put("id", id.group(1)) : existing.putNull("id");
        }
        String problem = "CRM answered " + status + (errorCode == null ? "" : " " + errorCode) + ": " + abbreviate(body);
        if (status == 429) {
            Duration wait = RetryAfter.parse(exchange.getMessage().getHeader("Retry-After", String.class));
            if (wait != null && wait.compareTo(config.maxRetryAfter()) > 0) {
                wait = config.maxRetryAfter();
            }
            throw new CrmUnavailableException(problem, wait, null);
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

    private void count(String outcome) {
        registry.counter("meterbridge.crm.tasks", "outcome", outcome).increment();
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.replaceAll("\\s+", " ");
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
