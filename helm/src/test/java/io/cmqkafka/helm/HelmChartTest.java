package io.cmqkafka.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Lints the chart and checks what Helm itself renders from it, for the setups its values describe. */
class HelmChartTest {

    private static final Path CHART = Path.of("cmq-kafka");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
    }

    @Test
    void defaultsAreOneInstanceWithItsEmbeddedBroker() throws Exception {
        Map<String, JsonNode> m = render(t -> t);
        JsonNode sts = m.get("StatefulSet");
        assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(1);
        Map<String, String> env = env(sts);
        assertThat(env).doesNotContainKey("CMQ_KAFKA_BOOTSTRAP_SERVERS") // no Kafka: the service embeds one
                .containsEntry("CMQ_DATA_DIR", "/data")
                .containsEntry("CMQ_ADVERTISED_HOST", "$(POD_IP)")
                .doesNotContainKey("CMQ_AUTH_CREDENTIALS_FILE");
        assertThat(sts.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("5Gi");
        assertThat(m).doesNotContainKeys("Secret", "PodDisruptionBudget");
        JsonNode c = container(sts);
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(m.get("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        // the image's user (Dockerfile.jvm) can write the volume
        assertThat(sts.at("/spec/template/spec/securityContext/fsGroup").asInt()).isEqualTo(185);
    }

    @Test
    void severalInstancesOnAnExternalKafkaCluster() throws Exception {
        Map<String, JsonNode> m = render(t -> t.set("kafka.bootstrapServers", "kafka-0:9092,kafka-1:9092")
                .set("replicaCount", 3));
        JsonNode sts = m.get("StatefulSet");
        assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(env(sts)).containsEntry("CMQ_KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9092,kafka-1:9092")
                .containsEntry("CMQ_KAFKA_REPLICATION_FACTOR", "3")
                .containsEntry("CMQ_KAFKA_MIN_INSYNC_REPLICAS", "2");
        assertThat(m.get("PodDisruptionBudget").at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void severalInstancesWithoutKafkaAreRefused() {
        assertThatThrownBy(() -> render(t -> t.set("replicaCount", 2)))
                .hasMessageContaining("replicaCount > 1 needs kafka.bootstrapServers");
    }

    @Test
    void credentialsBecomeAMountedFileTheServiceRereads() throws Exception {
        Map<String, JsonNode> m = render(t -> t.set("auth.credentials.AKIDone", "key-one")
                .set("auth.credentials.AKIDtwo", "key-two"));
        JsonNode secret = m.get("Secret");
        assertThat(secret.at("/stringData/credentials").asText().lines().map(String::trim).toList())
                .containsExactlyInAnyOrder("AKIDone:key-one", "AKIDtwo:key-two");
        JsonNode sts = m.get("StatefulSet");
        assertThat(env(sts)).containsEntry("CMQ_AUTH_CREDENTIALS_FILE", "/etc/cmq/credentials/credentials");
        assertThat(sts.at("/spec/template/spec/volumes").toString())
                .contains(secret.at("/metadata/name").asText());
        assertThat(container(sts).at("/volumeMounts").toString()).contains("/etc/cmq/credentials");
        // a changed key rolls the pods only through the checksum; the file itself is re-read anyway
        assertThat(sts.at("/spec/template/metadata/annotations/checksum~1credentials").asText()).hasSize(64);
    }

    @Test
    void anExistingSecretIsMountedAndNoneIsCreated() throws Exception {
        Map<String, JsonNode> m = render(t -> t.set("auth.existingSecret", "cmq-keys"));
        assertThat(m).doesNotContainKey("Secret");
        JsonNode sts = m.get("StatefulSet");
        assertThat(sts.at("/spec/template/spec/volumes").toString()).contains("\"secretName\":\"cmq-keys\"");
        assertThat(env(sts)).containsKey("CMQ_AUTH_CREDENTIALS_FILE");
    }

    @Test
    void withoutPersistenceTheStateLivesInAnEmptyDir() throws Exception {
        JsonNode sts = render(t -> t.set("persistence.enabled", false)).get("StatefulSet");
        assertThat(sts.at("/spec/volumeClaimTemplates").isMissingNode()).isTrue();
        assertThat(sts.at("/spec/template/spec/volumes").toString()).contains("emptyDir");
    }

    /** Every setting the chart passes is one the service has: each CMQ_ variable names a row of README's table. */
    @Test
    void everyVariableNamesARealSetting() throws Exception {
        Map<String, JsonNode> m = render(t -> t.set("kafka.bootstrapServers", "k:9092").set("replicaCount", 2)
                .set("auth.existingSecret", "s").set("auth.publicHosts[0]", "cmq.example.com"));
        String readme = Files.readString(Path.of("..", "README.md"));
        Pattern row = Pattern.compile("^\\| `(cmq\\.[a-z0-9.-]+)`", Pattern.MULTILINE);
        List<String> settings = new ArrayList<>();
        for (Matcher x = row.matcher(readme); x.find();) {
            settings.add(x.group(1));
        }
        assertThat(settings).isNotEmpty();
        for (String var : env(m.get("StatefulSet")).keySet()) {
            if (!var.startsWith("CMQ_")) {
                continue;
            }
            // SmallRye Config's environment-variable form of a property: upper case, non-alphanumerics as '_'
            assertThat(settings).as("%s names a setting in README's configuration table", var)
                    .anyMatch(s -> s.toUpperCase().replaceAll("[^A-Z0-9]", "_").equals(var));
        }
    }

    private static Map<String, JsonNode> render(UnaryOperator<TemplateCommand> values) throws Exception {
        String out = values.apply(new Helm(CHART).template().withName("cmq").withNamespace("queues")).call();
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d != null && d.hasNonNull("kind")) {
                    String kind = d.get("kind").asText();
                    // two Services: keep the client-facing one under "Service"
                    if (!(kind.equals("Service") && d.at("/spec/clusterIP").asText().equals("None"))) {
                        byKind.put(kind, d);
                    }
                }
            }
        }
        return byKind;
    }

    private static JsonNode container(JsonNode sts) {
        return sts.at("/spec/template/spec/containers/0");
    }

    private static Map<String, String> env(JsonNode sts) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container(sts).path("env")) {
            env.put(e.get("name").asText(), e.path("value").asText());
        }
        return env;
    }
}
