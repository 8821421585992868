package org.polyspan.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.util.List;

/**
 * What the soak makes on the cluster and reads back from it: the plugin's REST prefix, the labelling pipeline, the
 * index it feeds and a plain index without a pipeline, the model loaded on every node before timing starts, the
 * documents in the index at the end, and the removal of it all.
 */
final class SoakCluster {
    static final String PIPELINE = "polyspan-soak";
    static final String INDEX = "polyspan-soak";
    static final String PLAIN = "polyspan-soak-plain";

    private final SoakHttp http;
    private final List<SoakNode> nodes;
    private final String model;
    /** The plugin's REST prefix on the nodes' engine, found in {@link #setUp}. */
    private volatile String api = "/_plugins/polyspan";

    SoakCluster(SoakHttp http, List<SoakNode> nodes, String model) {
        this.http = http;
        this.nodes = nodes;
        this.model = model;
    }

    /** The plugin's REST prefix: {@code /_plugins/polyspan} (OpenSearch) or {@code /_polyspan} (Elasticsearch). */
    String api() {
        return api;
    }

    /**
     * Finds the plugin's REST prefix, makes the pipeline and both indices afresh (3 shards and a replica on a cluster,
     * 1 shard on a single node), waits for the cluster's health, and has every node label and project once.
     */
    void setUp(SoakData data) throws Exception {
        String url = nodes.get(0).url;
        api = pluginApi(http, url);
        System.out.println("plugin API " + api);
        boolean cluster = nodes.size() > 1;
        String shards = cluster ? "{\"number_of_shards\":3,\"number_of_replicas\":1" : "{\"number_of_shards\":1,\"number_of_replicas\":0";
        http.send("DELETE", url + "/" + INDEX, null);
        http.send("DELETE", url + "/" + PLAIN, null);
        http.send("PUT", url + "/_ingest/pipeline/" + PIPELINE, "{\"processors\":[{\"span_labeling\":{\"model\":\"" + model
                + "\",\"field\":\"body\"}}]}");
        http.send("PUT", url + "/" + INDEX, "{\"settings\":" + shards + ",\"default_pipeline\":\"" + PIPELINE + "\"}}");
        http.send("PUT", url + "/" + PLAIN, "{\"settings\":" + shards + "},\"mappings\":{\"properties\":{\"body\":{\"type\":\"text\"}}}}");
        http.send("GET", url + "/_cluster/health?wait_for_status=" + (cluster ? "green" : "yellow") + "&timeout=120s", null);
        // the model is loaded on every node before timing starts
        for (SoakNode n : nodes) {
            http.send("POST", n.url + "/_ingest/pipeline/" + PIPELINE + "/_simulate", "{\"docs\":[{\"_source\":{\"body\":"
                    + SoakHttp.quote(data.texts().get(0)) + "}}]}");
            http.send("POST", n.url + api + "/_project", data.projectBodies().get(0));
        }
    }

    /** The plugin's REST prefix: {@code /_plugins/polyspan} where its stats endpoint answers (OpenSearch), else {@code /_polyspan}. */
    static String pluginApi(SoakHttp http, String url) throws IOException, InterruptedException {
        for (String prefix : List.of("/_plugins/polyspan", "/_polyspan")) {
            if (http.exchange("GET", url + prefix + "/stats", null).statusCode() == 200) {
                return prefix;
            }
        }
        throw new IllegalStateException(url + " answers neither /_plugins/polyspan/stats nor /_polyspan/stats: is the plugin installed?");
    }

    /** The documents in the soak index, after a refresh. */
    long count(SoakNode node) throws IOException, InterruptedException {
        http.send("POST", node.url + "/" + INDEX + "/_refresh", null);
        return JsonParser.parseString(http.send("GET", node.url + "/" + INDEX + "/_count", null)).getAsJsonObject().get("count").getAsLong();
    }

    /** How many of the given ids are in the soak index. */
    long presentAmong(SoakNode node, List<String> ids) throws IOException, InterruptedException {
        long present = 0;
        for (int i = 0; i < ids.size(); i += 1000) {
            JsonArray values = new JsonArray();
            ids.subList(i, Math.min(ids.size(), i + 1000)).forEach(values::add);
            JsonObject query = new JsonObject();
            JsonObject idsQuery = new JsonObject();
            idsQuery.add("values", values);
            query.add("ids", idsQuery);
            JsonObject body = new JsonObject();
            body.add("query", query);
            present += JsonParser.parseString(http.send("POST", node.url + "/" + INDEX + "/_count", body.toString())).getAsJsonObject()
                    .get("count").getAsLong();
        }
        return present;
    }

    /** Removes both indices and the pipeline through {@code alive} (nothing when no node answers); a failure is printed. */
    void cleanUp(SoakNode alive) {
        if (alive == null) {
            return;
        }
        try {
            http.send("DELETE", alive.url + "/" + INDEX, null);
            http.send("DELETE", alive.url + "/" + PLAIN, null);
            http.send("DELETE", alive.url + "/_ingest/pipeline/" + PIPELINE, null);
        } catch (Exception e) {
            System.out.println("  cleanup failed: " + e.getMessage());
        }
    }
}
