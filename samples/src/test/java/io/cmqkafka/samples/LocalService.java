package io.cmqkafka.samples;

import com.qcloud.cmq.Account;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged service with its embedded broker, as a child process shared by every sample test of
 * this JVM (started on first use, stopped when the JVM exits). Credentials are on, so the samples'
 * requests are signed and checked as in production.
 */
final class LocalService {

    static final String SECRET_ID = "AKIDsamples";
    static final String SECRET_KEY = "samples-secret-key";
    private static LocalService instance;

    private final int port;
    private final Process process;

    private LocalService() throws Exception {
        Path jar = Path.of(System.getProperty("service.jar", "../adapter/target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("service not packaged yet: " + jar.toAbsolutePath()
                    + " (run the samples' tests from the root build: mvn verify)");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = Files.createTempDirectory("cmq-samples-");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-Dcmq.data-dir=" + data,
                "-Dcmq.auth.credentials=" + SECRET_ID + ":" + SECRET_KEY, "-jar", jar.toString());
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(data.resolve("service.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        long deadline = System.nanoTime() + 180_000_000_000L; // a loaded 2-core machine starts slowly
        while (!ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("service did not get ready; see " + data.resolve("service.log"));
            }
            Thread.sleep(200);
        }
    }

    private boolean ready() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(endpoint() + "/q/health/ready").openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    static synchronized Account account() throws Exception {
        if (instance == null) {
            instance = new LocalService();
        }
        return new Account(instance.endpoint(), SECRET_ID, SECRET_KEY);
    }
}
