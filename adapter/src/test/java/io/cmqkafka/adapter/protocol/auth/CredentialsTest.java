package io.cmqkafka.adapter.protocol.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

    @TempDir
    Path dir;

    @Test
    void pairsFromConfiguration() {
        Credentials c = new Credentials(" AKIDa:keyA ,AKIDb:key:with:colons,, ", null);
        assertThat(c.enabled()).isTrue();
        assertThat(new String(c.key("AKIDa"), UTF_8)).isEqualTo("keyA");
        assertThat(new String(c.key("AKIDb"), UTF_8)).isEqualTo("key:with:colons");
        assertThat(c.key("AKIDc")).isNull();
        assertThat(c.key(null)).isNull();
        assertThat(new Credentials(null, null).enabled()).isFalse();
    }

    @Test
    void malformedConfigurationNamesTheEntryButNotTheKey() {
        assertThatThrownBy(() -> new Credentials("AKIDa:keyA,secretwithoutid", null))
                .hasMessage("cmq.auth.credentials: entry 2 is not of the form SecretId:SecretKey")
                .hasMessageNotContaining("secretwithoutid");
        assertThatThrownBy(() -> new Credentials("AKIDa:k1,AKIDa:k2", null)).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new Credentials(":k", null)).hasMessageContaining("entry 1");
    }

    @Test
    void fileIsReadAndReloaded() throws Exception {
        Path f = dir.resolve("credentials");
        Files.writeString(f, "# mounted secret\nAKIDf:fileKey\n\n");
        Credentials c = new Credentials("AKIDa:keyA", f);
        assertThat(new String(c.key("AKIDf"), UTF_8)).isEqualTo("fileKey");
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.reload()).isFalse(); // unchanged

        Files.writeString(f, "AKIDg:newKey\r\n");
        assertThat(c.reload()).isTrue();
        assertThat(c.key("AKIDf")).isNull(); // revoked
        assertThat(new String(c.key("AKIDg"), UTF_8)).isEqualTo("newKey");
        assertThat(c.key("AKIDa")).isNotNull();

        Files.writeString(f, "broken line\n");
        assertThat(c.reload()).isFalse(); // kept the previous table
        assertThat(c.key("AKIDg")).isNotNull();

        Files.delete(f);
        assertThat(c.reload()).isFalse();
        assertThat(c.key("AKIDg")).isNotNull();

        Files.writeString(f, "");
        assertThat(c.reload()).isTrue();
        assertThat(c.key("AKIDg")).isNull();
        assertThat(c.size()).isEqualTo(1);
    }

    @Test
    void aConfiguredFileTurnsAuthenticationOnEvenWhenMissing() {
        Credentials c = new Credentials(null, dir.resolve("not-there"));
        assertThat(c.enabled()).isTrue();
        assertThat(c.size()).isZero();
        assertThat(c.key("anything")).isNull();
    }

    @Test
    void watcherPicksUpChanges() throws Exception {
        Path f = dir.resolve("watched");
        Files.writeString(f, "AKIDw:one\n");
        try (Credentials c = new Credentials(null, f)) {
            c.startWatching(java.time.Duration.ofMillis(100));
            Files.writeString(f, "AKIDw:two\n");
            long deadline = System.currentTimeMillis() + 5000;
            while (!"two".equals(new String(c.key("AKIDw"), UTF_8)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(new String(c.key("AKIDw"), UTF_8)).isEqualTo("two");
        }
    }
}
