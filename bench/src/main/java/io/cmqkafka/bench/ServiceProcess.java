package io.cmqkafka.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged service ({@code quarkus-run.jar}) as a child process: a broker-role process or a service. */
final class ServiceProcess implements AutoCloseable {

    final String name;
    final int httpPort;
    final Path dir;
    private Process process;

    private ServiceProcess(String name, Path dir) throws IOException {
        this.name = name;
        this.dir = dir;
        this.httpPort = freePort();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code java [jvmArgs] -Dquarkus.http.port=.. -Dcmq.data-dir=.. [props] -jar jar} and waits for ready. */
    static ServiceProcess start(String name, Path jar, Path dir, List<String> jvmArgs, List<String> props,
            Duration readyTimeout) throws Exception {
        ServiceProcess p = new ServiceProcess(name, dir);
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + p.httpPort);
        cmd.add("-Dcmq.data-dir=" + dir.resolve("data"));
        for (String prop : props) {
            cmd.add("-D" + prop);
        }
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        p.process = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("process.log").toFile()))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::kill));
        p.awaitReady(readyTimeout);
        return p;
    }

    String hostPort() {
        return "127.0.0.1:" + httpPort;
    }

    long pid() {
        return process != null ? process.pid() : -1;
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        URI ready = URI.create("http://" + hostPort() + "/q/health/ready");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see "
                        + dir.resolve("process.log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        kill();
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + dir.resolve("process.log"));
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
