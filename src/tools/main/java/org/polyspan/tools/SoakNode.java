package org.polyspan.tools;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One node under soak, found through its HTTP URL: its name, process id and log directory (from nodes info), its heap
 * (nodes stats) and resident memory ({@code /proc/<pid>/status}, when the node runs on this machine), whether it
 * answers, and the JVM crash files ({@code hs_err_pid*.log}) in its log directory.
 */
final class SoakNode {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    final String url;
    final String name;
    final long pid;
    final Path logs;
    private final HttpClient http;
    private final List<String> crashFilesAtStart;
    private volatile long unreachableSinceNanos = -1;
    private volatile double longestUnreachableSeconds;

    SoakNode(HttpClient http, String url) throws IOException, InterruptedException {
        this.http = http;
        this.url = url;
        JsonObject nodes = get("/_nodes/_local/process,settings").getAsJsonObject("nodes");
        JsonObject info = nodes.entrySet().iterator().next().getValue().getAsJsonObject();
        this.name = info.get("name").getAsString();
        this.pid = info.getAsJsonObject("process").get("id").getAsLong();
        JsonObject path = info.getAsJsonObject("settings").getAsJsonObject("path");
        this.logs = path != null && path.has("logs") ? Path.of(path.get("logs").getAsString()) : null;
        this.crashFilesAtStart = crashFiles();
    }

    JsonObject get(String path) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url + path)).timeout(PROBE_TIMEOUT).GET().build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + path + " -> HTTP " + response.statusCode());
        }
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    /** True when the node answers nodes info as the same process (same pid); records how long it stayed unreachable. */
    boolean probe() {
        boolean up;
        try {
            JsonObject nodes = get("/_nodes/_local/process").getAsJsonObject("nodes");
            up = nodes.entrySet().iterator().next().getValue().getAsJsonObject().getAsJsonObject("process").get("id").getAsLong() == pid;
        } catch (IOException | RuntimeException e) {
            up = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        long now = System.nanoTime();
        if (up) {
            unreachableSinceNanos = -1;
        } else if (unreachableSinceNanos < 0) {
            unreachableSinceNanos = now;
        } else {
            longestUnreachableSeconds = Math.max(longestUnreachableSeconds, (now - unreachableSinceNanos) / 1e9);
        }
        return up;
    }

    double longestUnreachableSeconds() {
        return longestUnreachableSeconds;
    }

    /** Heap in use now, in bytes (nodes stats). */
    long heapUsed() throws IOException, InterruptedException {
        JsonObject nodes = get("/_nodes/_local/stats/jvm").getAsJsonObject("nodes");
        return nodes.entrySet().iterator().next().getValue().getAsJsonObject().getAsJsonObject("jvm").getAsJsonObject("mem")
                .get("heap_used_in_bytes").getAsLong();
    }

    /** Resident set size in bytes from {@code /proc/<pid>/status}; -1 when the process is not on this machine. */
    long rss() {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Crash files written since this object was made. */
    List<String> newCrashFiles() {
        List<String> now = crashFiles();
        now.removeAll(crashFilesAtStart);
        return now;
    }

    private List<String> crashFiles() {
        List<String> files = new ArrayList<>();
        if (logs == null || !Files.isDirectory(logs)) {
            return files;
        }
        try (Stream<Path> s = Files.list(logs)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")).forEach(n -> files.add(logs.resolve(n).toString()));
        } catch (IOException e) {
            // an unreadable log directory means no crash files can be reported, not a failed soak
        }
        return files;
    }
}
