package io.meterbridge.monitoring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.BATCH;
import static io.meterbridge.support.Events.apiRequest;
import static io.meterbridge.support.Events.batch;
import static io.meterbridge.support.Events.post;
import static io.meterbridge.support.Events.signature;
import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every meterbridge_* and camel_* metric the PrometheusRule's expressions and the Grafana dashboard's queries name
 * (k8s/components/monitoring) is on the hub's /q/metrics, after some traffic: accepted events, a dead letter, and late
 * usage of a closed period (the only series that exist only while there is something to show: unbilled usage per
 * period). An alert on a metric that does not exist never fires, silently.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class MonitoringRulesReferenceRealMetricsTest {

    private static final Path MONITORING = Path.of("..", "k8s", "components", "monitoring");
    private static final Pattern METRIC = Pattern.compile("\\b((?:meterbridge|camel)_[a-zA-Z0-9_]+)");
    private static final Pattern EXPOSED = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsExposed() throws Exception {
        List<String> expressions = new ArrayList<>();
        JsonNode rule = new ObjectMapper(new YAMLFactory()).readTree(MONITORING.resolve("prometheusrule.yaml").toFile());
        rule.path("spec").path("groups").forEach(group -> group.path("rules")
                .forEach(r -> expressions.add(r.path("expr").asText())));
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("dashboards/meterbridge.json").toFile());
        dashboard.path("panels").forEach(panel -> panel.path("targets")
                .forEach(t -> expressions.add(t.path("expr").asText())));
        assertThat(expressions).hasSizeGreaterThan(20).allSatisfy(e -> assertThat(e).isNotBlank());
        Set<String> referenced = new TreeSet<>();
        for (String expression : expressions) {
            Matcher matcher = METRIC.matcher(expression);
            while (matcher.find()) {
                referenced.add(matcher.group(1));
            }
        }
        assertThat(referenced).contains("meterbridge_unbilled_usage_amount", "meterbridge_circuit_breaker_state",
                "camel_exchanges_failed_total");
        // The prose of docs/operations.md's alerts too: an operator copies its expressions.
        String operations = Files.readString(Path.of("..", "docs", "operations.md"));
        String alerting = operations.substring(operations.indexOf("What to alert on"), operations.indexOf("## Metering"));
        Matcher prose = METRIC.matcher(alerting);
        while (prose.find()) {
            referenced.add(prose.group(1));
        }

        // Traffic: accepted and metered events, a malformed request (a dead letter), late usage of a closed period.
        post(batch(apiRequest(uniqueId("rules"), 3, "u1")), BATCH).then().statusCode(202);
        byte[] malformed = "[{\"id\": \"x\",, }]".getBytes();
        post(malformed, BATCH, signature(malformed)).then().statusCode(400);
        LateUsage.make("rules-late");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Set<String> exposed = exposed();
            assertThat(referenced).allSatisfy(name -> assertThat(exposed).as("metrics on /q/metrics").contains(name));
        });
        assertThat(Files.readString(MONITORING.resolve("kustomization.yaml")))
                .contains("prometheusrule.yaml", "dashboards/meterbridge.json", "grafana_dashboard");
    }

    private static Set<String> exposed() {
        String scrape = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> names = new TreeSet<>();
        Matcher matcher = EXPOSED.matcher(scrape);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
