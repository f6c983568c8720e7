package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.QueueMeta;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service on an external Kafka: one process in role {@code broker}, and two service
 * processes pointed at it with {@code cmq.kafka.bootstrap-servers}, one after the other.
 */
@Tag("slow")
class ExternalKafkaIT {

    @Test
    void serviceUsesTheConfiguredClusterAndKeepsItsData() throws Exception {
        Path dir = Files.createTempDirectory("cmq-external");
        int kafkaPort;
        try (ServerSocket s = new ServerSocket(0)) {
            kafkaPort = s.getLocalPort();
        }
        Map<String, String> brokerProps = Map.of("cmq.role", "broker", "cmq.kafka.embedded-port",
                String.valueOf(kafkaPort));
        Map<String, String> serviceProps = Map.of("cmq.kafka.bootstrap-servers", "127.0.0.1:" + kafkaPort,
                "cmq.kafka.replication-factor", "1", "cmq.kafka.min-insync-replicas", "1");
        try (ServiceProcess broker = new ServiceProcess(dir.resolve("broker"), brokerProps).start()) {
            String sent;
            try (ServiceProcess a = new ServiceProcess(dir.resolve("a"), serviceProps).start()) {
                Account acc = CmqSdk.account(a.url());
                acc.createQueue("external-q", new QueueMeta());
                sent = acc.getQueue("external-q").send("kept in the external cluster").getMsgId();
                a.stop();
            }
            // A different instance, with an empty local folder, finds the queue and the message.
            try (ServiceProcess b = new ServiceProcess(dir.resolve("b"), serviceProps).start()) {
                Message m = CmqSdk.account(b.url()).getQueue("external-q").receiveMessage(5);
                assertThat(m.msgId).isEqualTo(sent);
                assertThat(m.msgBody).isEqualTo("kept in the external cluster");
            }
            assertThat(Files.exists(dir.resolve("a").resolve("kafka"))).as("no embedded broker in a").isFalse();
        }
    }
}
