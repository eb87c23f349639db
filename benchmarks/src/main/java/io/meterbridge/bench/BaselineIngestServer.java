package io.meterbridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The "bare" baseline of the ingestion benchmark: an HTTP endpoint that only parses a JSON array of events and
 * produces each event to Kafka with the hub's producer settings (acks=all, idempotence, linger.ms=5, no compression), waits
 * for every acknowledgement and answers 202. No signature check, no schema validation, no tokenization, no
 * PostgreSQL claim: the difference to the hub is what those cost.
 *
 * <pre>
 *   java -cp ... io.meterbridge.bench.BaselineIngestServer --port 18081 --bootstrap 127.0.0.1:19092
 *        [--topic bench.baseline] [--partitions 6] [--threads 32]
 * </pre>
 *
 * POST any path: the batch; GET /ready: 200 once the topic exists and the producer is connected. Prints
 * "BASELINE READY port=N" on stdout when it listens.
 */
public final class BaselineIngestServer {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int port = 18081;
        String bootstrap = "127.0.0.1:9092";
        String topic = "bench.baseline";
        int partitions = 6;
        int threads = 32;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--bootstrap" -> bootstrap = args[++i];
                case "--topic" -> topic = args[++i];
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        createTopic(bootstrap, topic, partitions);
        KafkaProducer<String, byte[]> producer = producer(bootstrap);
        producer.partitionsFor(topic); // connect and fetch metadata before the first request

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "baseline-http-" + threadNo.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        String topicName = topic;
        server.createContext("/ready", exchange -> respond(exchange, 200, "{\"ready\":true}"));
        server.createContext("/", exchange -> handle(exchange, producer, topicName));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            executor.shutdownNow();
            producer.close();
        }, "baseline-shutdown"));
        System.out.println("BASELINE READY port=" + port + " topic=" + topic + " bootstrap=" + bootstrap);
        System.out.flush();
    }

    private static void handle(HttpExchange exchange, KafkaProducer<String, byte[]> producer, String topic)
            throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{\"error\":\"POST only\"}");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            JsonNode root;
            try {
                root = MAPPER.readTree(body);
            } catch (IOException e) {
                respond(exchange, 400, "{\"error\":\"malformed JSON\"}");
                return;
            }
            if (root == null || !root.isArray()) {
                respond(exchange, 400, "{\"error\":\"expected a JSON array\"}");
                return;
            }
            List<Future<RecordMetadata>> acks = new ArrayList<>(root.size());
            for (JsonNode event : root) {
                JsonNode subject = event.get("subject");
                String key = subject == null ? null : subject.asText();
                acks.add(producer.send(new ProducerRecord<>(topic, key, MAPPER.writeValueAsBytes(event))));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
            respond(exchange, 202, "{\"accepted\":" + acks.size() + ",\"duplicates\":0,\"rejected\":[]}");
        } catch (Exception e) {
            respond(exchange, 503, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        } finally {
            exchange.close();
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The same settings as io.meterbridge.platform.EventProducer (the hub's producer). */
    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "meterbridge-bench-baseline");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
        }
    }
}
