package org.polyspan.tools;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The soak's command line: where the nodes are, how long to run, and the shape of the load.
 *
 * @param urls          the nodes' HTTP URLs, without trailing slashes
 * @param minutes       how long the load runs, in (0, 120]
 * @param model         the labelling model of the pipeline, {@code _project} and {@code _reload}
 * @param clients       bulk clients
 * @param bulkSize      documents per bulk request
 * @param reloadSeconds period of {@code _reload}; 0: never
 * @param projectMillis pause between {@code _project} requests; 0: never
 * @param idleSeconds   how long plain latency is measured before the load
 * @param data          the shared data directory (Europarl sentences under {@code projection/europarl_ner})
 */
record SoakOptions(List<String> urls, double minutes, String model, int clients, int bulkSize, int reloadSeconds,
                   int projectMillis, int idleSeconds, Path data) {

    static final List<String> NAMES = List.of("urls", "minutes", "model", "clients", "bulk-size", "reload-seconds",
            "project-millis", "idle-seconds", "data");

    /** Reads {@code --name value} options; an unknown, incomplete or out-of-range option is an {@link IllegalArgumentException}. */
    static SoakOptions parse(String[] argv) {
        Args args = new Args(argv, NAMES);
        List<String> urls = Arrays.stream(args.require("urls").split(",")).map(u -> u.trim().replaceAll("/+$", "")).toList();
        double minutes = Double.parseDouble(args.get("minutes", "1"));
        if (!(minutes > 0 && minutes <= 120)) {
            throw new IllegalArgumentException("--minutes must be in (0, 120], got " + minutes);
        }
        return new SoakOptions(urls, minutes, args.get("model", "mbert-ner"), Integer.parseInt(args.get("clients", "4")),
                Integer.parseInt(args.get("bulk-size", "10")), Integer.parseInt(args.get("reload-seconds", "20")),
                Integer.parseInt(args.get("project-millis", "1000")), Integer.parseInt(args.get("idle-seconds", "10")),
                Path.of(args.get("data", "../shared/data")));
    }

    /** The soak's first line: the nodes by name and the load these options make. */
    String describe(List<String> nodeNames) {
        return String.format(Locale.ROOT, "soak: %d node(s) %s, model %s, %d bulk clients x %d documents, 1 in %d malformed, "
                        + "_reload every %s, _project every %s, %.1f minute(s)", nodeNames.size(), nodeNames, model, clients,
                bulkSize, SoakLoads.MALFORMED_EVERY, reloadSeconds > 0 ? reloadSeconds + " s" : "(never)",
                projectMillis > 0 ? projectMillis + " ms" : "(never)", minutes);
    }
}
