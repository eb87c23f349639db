import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Properties;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * bin/chaos's producer for the raw topic (docs/api/ingest.md#the-raw-topic), run as a source file on the default
 * run's classpath: reads "key TAB body" lines on stdin, signs each body as the given source and writes it to the
 * topic, and answers "ok" (or "error ...") per line only once the broker has stored it. It retries through a broker
 * restart, as a producer should, so what it acknowledged the hub must count.
 *
 *   java -cp 'devrun/target/quarkus-app/lib/main/*' bin/lib/ChaosRawProducer.java BOOTSTRAP TOPIC SOURCE SECRET
 */
public class ChaosRawProducer {

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "600000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        String topic = args[1];
        byte[] source = args[2].getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(args[3].getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (String line; (line = in.readLine()) != null; ) {
                int tab = line.indexOf('\t');
                byte[] body = line.substring(tab + 1).getBytes(StandardCharsets.UTF_8);
                long t = System.currentTimeMillis() / 1000;
                String signature = "t=" + t + ",v1=" + HexFormat.of().formatHex(
                        mac.doFinal((t + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, line.substring(0, tab), body);
                record.headers().add("Meterbridge-Signature", signature.getBytes(StandardCharsets.UTF_8));
                record.headers().add("Meterbridge-Source", source);
                record.headers().add("content-type", "application/cloudevents-batch+json".getBytes(StandardCharsets.UTF_8));
                try {
                    producer.send(record).get();
                    System.out.println("ok");
                } catch (Exception e) {
                    System.out.println("error " + e.getMessage().replace('\n', ' '));
                }
                System.out.flush();
            }
        }
    }
}
