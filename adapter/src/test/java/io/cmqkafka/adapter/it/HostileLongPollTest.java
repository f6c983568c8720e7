package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.it.HostileHttp.Response;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With the production timeouts (application.properties, auth off): a 30 s long poll on a connection that is
 * silent meanwhile is still answered (idle timeout 45 s), while a request whose body stalls is answered with
 * CMQ 4000/10420 and closed after the 20 s body timeout. Both run at once, so this takes about 30 s.
 */
@QuarkusTest
@Tag("slow")
class HostileLongPollTest {

    @TestHTTPResource("/")
    URL url;

    @Test
    void thirtySecondLongPollSurvivesTheTimeoutsThatCutSlowBodies() throws Exception {
        String host = "127.0.0.1:" + url.getPort();
        String q = RawHttpClient.queueName("hostile-poll");
        try (HostileHttp admin = new HostileHttp(url.getPort());
                HostileHttp poller = new HostileHttp(url.getPort());
                HostileHttp stalled = new HostileHttp(url.getPort())) {
            assertThat(admin.exchange(HostileHttp.post(host, "Action=CreateQueue&queueName=" + q), 10_000).code())
                    .isZero();
            long start = System.nanoTime();
            CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() -> {
                try {
                    return poller.exchange(HostileHttp.post(host,
                            "Action=ReceiveMessage&queueName=" + q + "&pollingWaitSeconds=30"), 60_000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stalled.write(("POST /v2/index.php HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 100\r\n\r\nAction=")
                    .getBytes(StandardCharsets.UTF_8));
            Response cut = stalled.read(40_000);
            long cutAt = (System.nanoTime() - start) / 1_000_000;
            assertThat(cut.code()).as("%s", cut).isEqualTo(4000);
            assertThat(cut.message()).startsWith("(10420)cannot parse request (body not complete within 20 s)");
            assertThat(cutAt).isBetween(19_000L, 25_000L);
            assertThat(poll).isNotDone();

            Response r = poll.get();
            long answeredAt = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.code()).as("%s", r).isEqualTo(7000);
            assertThat(r.message()).isEqualTo("(10200)no message");
            assertThat(answeredAt).isBetween(29_000L, 35_000L);
            // The long-poll connection is still usable.
            assertThat(poller.exchange(HostileHttp.post(host, "Action=DeleteQueue&queueName=" + q), 10_000).code())
                    .isZero();
        }
    }
}
