package io.cmqkafka.adapter.it;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged service ({@code quarkus-run.jar}) as a child process, so tests can stop it,
 * kill it with SIGKILL, and start it again on the same data folder.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path dataDir;
    private final Map<String, String> extraProps;
    private final int port;
    private Process process;

    public ServiceProcess(Path dataDir, Map<String, String> extraProps) throws IOException {
        this.dataDir = dataDir;
        this.extraProps = extraProps;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    public static Path jar() {
        String p = System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar");
        Path jar = Path.of(p);
        if (!Files.exists(jar)) {
            throw new IllegalStateException("service jar not built: " + jar.toAbsolutePath());
        }
        return jar;
    }

    public ServiceProcess start() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dcmq.data-dir=" + dataDir);
        extraProps.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar().toString());
        Files.createDirectories(dataDir);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("service.log").toFile()))
                .start();
        awaitReady(Duration.ofSeconds(180)); // generous: a loaded 2-core machine restores slowly
        return this;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "; see "
                        + dataDir.resolve("service.log"));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url(), "q/health/ready").openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("service not ready within " + timeout);
    }

    public URL url() throws IOException {
        return new URL("http://127.0.0.1:" + port + "/");
    }

    public long pid() {
        return process.pid();
    }

    /** Graceful stop (SIGTERM). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** SIGKILL: no shutdown hooks, no flushing. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
