package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.it.HostileHttp.Response;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slowloris-style clients against the auth profile's short timeouts (idle 4 s, body 2 s): partial headers
 * are dropped after the idle timeout, a body that does not arrive in time (even one trickling a byte a
 * second) gets CMQ 4000/10420 and a closed connection, and meanwhile everyone else is served at once.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class HostileSlowClientTest {

    @TestHTTPResource("/")
    URL url;

    Response signedListQueue() throws Exception {
        String host = "127.0.0.1:" + url.getPort();
        try (HostileHttp h = new HostileHttp(url.getPort())) {
            return h.exchange(HostileHttp.post(host,
                    new AuthSigner(AuthProfile.ADMIN_ID, AuthProfile.ADMIN_KEY, host).form("ListQueue")), 5000);
        }
    }

    @Test
    void partialHeadersAreClosedAfterTheIdleTimeout() throws Exception {
        List<HostileHttp> slow = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            HostileHttp h = new HostileHttp(url.getPort());
            h.write(("POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le").getBytes(StandardCharsets.UTF_8));
            slow.add(h);
        }
        long start = System.nanoTime();
        Response r = signedListQueue();
        assertThat(r.code()).as("%s", r).isZero();
        assertThat((System.nanoTime() - start) / 1_000_000).as("served at once").isLessThan(2000);
        for (HostileHttp h : slow) {
            assertThat(h.awaitClose((int) (AuthProfile.IDLE_TIMEOUT_SECONDS * 1000 + 5000))).isTrue();
            h.close();
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertThat(waited).isBetween(AuthProfile.IDLE_TIMEOUT_SECONDS * 1000 - 1000,
                AuthProfile.IDLE_TIMEOUT_SECONDS * 1000 + 5000);
        assertThat(signedListQueue().code()).isZero();
    }

    @Test
    void bodiesThatDoNotArriveInTimeGetACmqErrorAndAClosedConnection() throws Exception {
        List<HostileHttp> slow = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            HostileHttp h = new HostileHttp(url.getPort());
            h.write(("POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nAction=List")
                    .getBytes(StandardCharsets.UTF_8));
            slow.add(h);
        }
        // One of them trickles a byte every 500 ms, so the idle timeout alone would never fire.
        HostileHttp trickler = slow.get(0);
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < 20 && trickler.isOpen(); i++) {
                    Thread.sleep(500);
                    trickler.write(new byte[] {'x'});
                }
            } catch (Exception closed) {
                // the server closed it: expected
            }
        });
        t.setDaemon(true);
        t.start();
        assertThat(signedListQueue().code()).isZero();
        for (HostileHttp h : slow) {
            Response r = h.read((int) (AuthProfile.BODY_TIMEOUT_SECONDS * 1000 + 5000));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.code()).isEqualTo(4000);
            assertThat(r.message()).isEqualTo(
                    "(10420)cannot parse request (body not complete within 2 s), or request size is more than 1MB");
            assertThat(r.closesConnection()).isTrue();
            h.close();
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertThat(waited).isBetween(AuthProfile.BODY_TIMEOUT_SECONDS * 1000 - 500,
                AuthProfile.BODY_TIMEOUT_SECONDS * 1000 + 4000);
        t.join(5000);
        assertThat(signedListQueue().code()).isZero();
    }
}
