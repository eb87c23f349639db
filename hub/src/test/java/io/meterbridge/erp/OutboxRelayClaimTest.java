package io.meterbridge.erp;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.meterbridge.support.EmbeddedEngines;
import io.meterbridge.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox relay's claim (FOR UPDATE SKIP LOCKED, marked published in the same short transaction): two threads
 * calling the relay bean like two more replicas, while the erp-outbox route claims and publishes too, never claim a
 * row twice, and every row is claimed once. The rows are for an ERP the hub has no connector for, so erp-sync FAILs
 * what the route published at the first attempt (nothing is re-published) and no ERP is called.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class OutboxRelayClaimTest {

    @Inject
    DataSource dataSource;

    @Inject
    ErpPostings postings;

    private void insert(String erp, List<String> ids) throws Exception {
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO erp_posting (id, erp_system, kind, payload) VALUES (?, ?, 'ACCRUAL', ?::jsonb)""")) {
            for (String id : ids) {
                insert.setString(1, id);
                insert.setString(2, erp);
                insert.setString(3, "{\"kind\":\"ACCRUAL\",\"externalId\":\"" + id + "\",\"erpSystem\":\"" + erp
                        + "\",\"customer\":{\"externalId\":\"" + id + "\"}}");
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Map<String, String[]> rows(String erp) throws Exception {
        Map<String, String[]> rows = new HashMap<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id, status, published_count, last_error FROM erp_posting WHERE erp_system = ?")) {
            select.setString(1, erp);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        return rows;
    }

    @Test
    void concurrentRelaysClaimEachRowOnce() throws Exception {
        String erp = uniqueId("relay-test");
        List<String> all = new ArrayList<>();
        AtomicBoolean inserting = new AtomicBoolean(true);
        List<ConcurrentLinkedQueue<String>> claims = List.of(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> relays = new ArrayList<>();
        for (ConcurrentLinkedQueue<String> mine : claims) {
            relays.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    // Claim until the inserts are done and one more claim finds nothing of ours.
                    boolean last = false;
                    while (!last) {
                        last = !inserting.get();
                        postings.claim().stream().map(ErpPostings.Claim::id).filter(id -> id.startsWith(erp))
                                .forEach(mine::add);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        start.countDown();
        for (int batch = 0; batch < 20; batch++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                ids.add(erp + "-" + batch + "-" + i);
            }
            insert(erp, ids);
            all.addAll(ids);
            Thread.yield();
        }
        inserting.set(false);
        CompletableFuture.allOf(relays.toArray(CompletableFuture[]::new)).get();

        Set<String> first = new HashSet<>(claims.get(0));
        Set<String> second = new HashSet<>(claims.get(1));
        assertThat(claims.get(0)).doesNotHaveDuplicates();
        assertThat(claims.get(1)).doesNotHaveDuplicates();
        assertThat(Collections.disjoint(first, second)).as("no row claimed by both relays").isTrue();

        // What the threads did not claim, the route claimed and published; erp-sync FAILs it (no connector). Rows
        // added now that the threads stopped are the route's alone.
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            late.add(erp + "-late-" + i);
        }
        insert(erp, late);
        all.addAll(late);
        Set<String> byRoute = new HashSet<>(all);
        byRoute.removeAll(first);
        byRoute.removeAll(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows(erp).entrySet().stream()
                .filter(e -> byRoute.contains(e.getKey())).allMatch(e -> e.getValue()[0].equals("FAILED")));
        Map<String, String[]> rows = rows(erp);
        assertThat(rows).hasSize(all.size());
        assertThat(rows.values()).allSatisfy(row -> assertThat(row[1]).as("published_count").isEqualTo("1"));
        assertThat(rows.entrySet().stream().filter(e -> byRoute.contains(e.getKey())).map(e -> e.getValue()[2]))
                .allSatisfy(reason -> assertThat(reason).contains("no ERP connector"));

        Map<String, Integer> published = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : Topics.readAll("meterbridge.erp.postings")) {
            String id = new String(record.value(), StandardCharsets.UTF_8).startsWith("{")
                    ? Topics.parse(record.value()).path("id").asText() : "";
            if (id.startsWith(erp)) {
                published.merge(id, 1, Integer::sum);
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"" + id + "\"}");
            }
        }
        assertThat(published.keySet()).isEqualTo(byRoute);
        assertThat(published.values()).allMatch(n -> n == 1);
        System.out.printf("%d rows: %d claimed by thread 1, %d by thread 2, %d by the route%n", all.size(),
                first.size(), second.size(), byRoute.size());
    }
}
