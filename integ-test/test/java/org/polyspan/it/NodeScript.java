package org.polyspan.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stops and restarts one node of a local cluster started by {@code integ-test/node.sh} (path from the system property
 * {@code polyspan.it.node_script}), so that a test can take a node away at a moment it chooses and bring it back.
 */
final class NodeScript {
    private static final long TIMEOUT_MINUTES = 6;

    private final Path script;
    private final int basePort;
    private final int nodes;

    /** @param urls the cluster's node URLs in node.sh order: the first is OPENSEARCH_PORT, the next ones +1, +2, ... */
    NodeScript(List<String> urls) {
        this.script = Path.of(System.getProperty("polyspan.it.node_script", "integ-test/node.sh"));
        assertTrue(Files.isExecutable(script), () -> "node script not found or not executable: " + script);
        this.basePort = URI.create(urls.get(0)).getPort();
        this.nodes = urls.size();
        for (int i = 0; i < nodes; i++) {
            int port = URI.create(urls.get(i)).getPort();
            assertEquals(basePort + i, port, "node.sh numbers a cluster's HTTP ports from the first one: " + urls);
        }
    }

    /** Stops node {@code index} (SIGTERM through its pid file) and waits until its process has exited. */
    void stop(int index) {
        run("stop-node", index);
    }

    /** Starts node {@code index} again on its data and waits until every node has joined and health is yellow. */
    void start(int index) {
        run("start-node", index);
    }

    private void run(String command, int index) {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command, Integer.toString(index)).redirectErrorStream(true);
        pb.environment().put("OPENSEARCH_PORT", Integer.toString(basePort));
        pb.environment().put("POLYSPAN_NODES", Integer.toString(nodes));
        try {
            // the script's output goes through a file: the test JVM's own stdout is the test runner's channel
            Path log = Files.createTempFile("node-script-", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            boolean finished = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!finished) {
                p.destroyForcibly();
            }
            System.out.print(Files.readString(log));
            Files.deleteIfExists(log);
            assertTrue(finished, () -> "node.sh " + command + " " + index + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            assertEquals(0, p.exitValue(), () -> "node.sh " + command + " " + index + " failed");
        } catch (IOException e) {
            throw new AssertionError("could not run " + script + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
