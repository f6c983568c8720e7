package io.cmqkafka.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Linux /proc readings: CPU time and resident memory of a process. Zero where unavailable. */
final class Procs {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private Procs() {
    }

    /** user + system CPU seconds of the process (all its threads) so far. */
    static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "(comm) ": state is f[0], utime is field 14 overall => f[11], stime f[12]
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (Exception e) {
            return 0;
        }
    }

    /** CPU seconds of the process's JIT compiler threads ("C1/C2 CompilerThread..."). */
    static double jitCpuSeconds(long pid) {
        if (pid <= 0) {
            return 0;
        }
        double sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(t.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                } catch (Exception e) {
                    // thread gone
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return sum;
    }

    static long rssBytes(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // gone
        }
        return 0;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
