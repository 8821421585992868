package org.polyspan.it;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A minimal REST client for a running node (base URL from the system property {@code polyspan.it.url}) that remembers
 * the indices, pipelines and templates a test class creates so that {@link #cleanup()} deletes exactly those.
 */
final class PolyspanRest {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    /** The engine of the node under test (system property {@code polyspan.it.engine}): opensearch or elasticsearch. */
    static final String ENGINE = System.getProperty("polyspan.it.engine", "opensearch").trim().isEmpty()
            ? "opensearch" : System.getProperty("polyspan.it.engine").trim();
    /** The plugin's REST paths: {@code /_plugins/polyspan} on OpenSearch, {@code /_polyspan} on Elasticsearch. */
    static final String API = switch (ENGINE) {
        case "opensearch" -> "/_plugins/polyspan";
        case "elasticsearch" -> "/_polyspan";
        default -> throw new IllegalArgumentException("polyspan.it.engine must be opensearch or elasticsearch, not [" + ENGINE + "]");
    };
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** A response: status code and body text, parsed on demand. */
    record Response(int status, String body) {
        JsonObject json() {
            JsonElement e = JsonParser.parseString(body);
            assertTrue(e.isJsonObject(), () -> "expected a JSON object, got: " + abbreviate(body));
            return e.getAsJsonObject();
        }

        Response expect(int expected) {
            assertEquals(expected, status, () -> "unexpected HTTP status; body: " + abbreviate(body));
            return this;
        }

        Response expectOk() {
            assertTrue(status >= 200 && status < 300, () -> "HTTP " + status + ": " + abbreviate(body));
            return this;
        }
    }

    private final String baseUrl;
    private final HttpClient http;
    private final String prefix;
    private final Set<String> indices = new LinkedHashSet<>();
    private final Set<String> pipelines = new LinkedHashSet<>();
    private final Set<String> indexTemplates = new LinkedHashSet<>();
    private final Set<String> componentTemplates = new LinkedHashSet<>();

    /** @param scope short lower-case name of the test class, part of every resource name */
    PolyspanRest(String scope) {
        this(scope, System.getProperty("polyspan.it.url", "").trim());
    }

    /** A client of the node at {@code url} (the single test node unless a test names another). */
    PolyspanRest(String scope, String url) {
        assertFalse(url.isEmpty(), "no node URL: run integ-test/run-tests.sh, or mvn verify -DskipITs=false "
                + "-Dpolyspan.it.url=http://127.0.0.1:9200 against a node started with integ-test/node.sh start");
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        this.prefix = "polyspan-it-" + scope + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String baseUrl() {
        return baseUrl;
    }

    /** A resource name unique to this run: {@code polyspan-it-<scope>-<random>-<suffix>}. */
    String name(String suffix) {
        return prefix + "-" + suffix.toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ plain requests

    /**
     * Sends a request; a 429 because a model is still loading in the background is retried until it loads, as a client
     * retries any 429.
     */
    Response request(String method, String path, String body, String contentType) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Response r = send(method, path, body, contentType);
            if (r.status() != 429 || !r.body().contains("is still loading") || System.nanoTime() > deadline) {
                return r;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private Response send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + (path.startsWith("/") ? path : "/" + path)))
                .timeout(TIMEOUT);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + baseUrl + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    Response get(String path) {
        return request("GET", path, null, null);
    }

    // ------------------------------------------------------------------ models API

    /**
     * {@code POST _plugins/polyspan/models/<id>/<action>} ({@code _reload} or {@code _unload}): checks that every node
     * answered 200 and returns the per-node answers ({@code nodes}, keyed by node id).
     */
    JsonObject onEveryNode(String id, String action) {
        JsonObject r = request("POST", PolyspanRest.API + "/models/" + id + "/" + action, null, null).expect(200).json();
        JsonObject header = r.getAsJsonObject("_nodes");
        assertEquals(0, header.get("failed").getAsInt(), r::toString);
        assertEquals(header.get("total").getAsInt(), r.getAsJsonObject("nodes").size(), r::toString);
        return r.getAsJsonObject("nodes");
    }

    /** The entry of model {@code id} in {@code GET _plugins/polyspan/models}, or null when no node lists it. */
    JsonObject model(String id) {
        for (JsonElement m : get(PolyspanRest.API + "/models").expect(200).json().getAsJsonArray("models")) {
            if (m.getAsJsonObject().get("id").getAsString().equals(id)) {
                return m.getAsJsonObject();
            }
        }
        return null;
    }

    /** Waits until model {@code id} is loaded or failed on every node (loads run in the background), and returns its entry. */
    JsonObject awaitModel(String id) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonObject m = model(id);
            String state = m == null ? null : m.get("state").getAsString();
            if ("loaded".equals(state) || "failed".equals(state) || System.nanoTime() > deadline) {
                return m;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    Response delete(String path) {
        return request("DELETE", path, null, null);
    }

    Response put(String path, Object body) {
        return request("PUT", path, toJson(body), "application/json");
    }

    Response post(String path, Object body) {
        return request("POST", path, toJson(body), "application/json");
    }

    static String toJson(Object body) {
        return body instanceof String s ? s : GSON.toJson(body);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static boolean elasticsearch() {
        return ENGINE.equals("elasticsearch");
    }

    /**
     * An {@code on_failure} handler storing the failure message in {@code field}: a {@code set} of
     * {@code {{ _ingest.on_failure_message }}} on OpenSearch; on Elasticsearch the plugin's own
     * {@code polyspan_record_failure}, since its integ-test distribution has neither {@code set} (ingest-common) nor
     * templates (lang-mustache), and neither module is published on Maven Central.
     */
    static Map<String, Object> recordFailure(String field) {
        if (elasticsearch()) {
            return Map.of("polyspan_record_failure", Map.of("field", field));
        }
        return Map.of("set", Map.of("field", field, "value", "{{ _ingest.on_failure_message }}"));
    }

    /** A pipeline body with one {@code span_labeling} processor. */
    static Map<String, Object> labeller(Map<String, Object> config) {
        return Map.of("processors", List.of(Map.of("span_labeling", config)));
    }

    /** A document from alternating keys and values, keeping their order (values may be null). */
    static Map<String, Object> doc(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ tracked resources

    /** PUT an ingest pipeline with the given processors; returns the raw response (callers check the status). */
    Response putPipeline(String id, Object pipelineBody) {
        pipelines.add(id);
        return put("/_ingest/pipeline/" + enc(id), pipelineBody);
    }

    Response createIndex(String index, Object body) {
        indices.add(index);
        return put("/" + enc(index), body == null ? "{}" : body);
    }

    /** Creates an index with the plugin's span mapping ({@code GET <api>/mapping_template}). */
    Response createSpanIndex(String index) {
        JsonObject template = get(API + "/mapping_template").expect(200).json();
        return createIndex(index, Map.of("mappings", template.getAsJsonObject("template").getAsJsonObject("mappings")));
    }

    /** Indexes one document through a pipeline with refresh; returns the raw response. */
    Response index(String index, String id, String pipeline, Object source) {
        indices.add(index);
        String q = "?refresh=true" + (pipeline == null ? "" : "&pipeline=" + enc(pipeline));
        return put("/" + enc(index) + "/_doc/" + enc(id) + q, source);
    }

    /** The {@code _source} of a document, which must exist. */
    JsonObject source(String index, String id) {
        JsonObject r = get("/" + enc(index) + "/_doc/" + enc(id)).expect(200).json();
        assertTrue(r.get("found").getAsBoolean(), () -> "document " + index + "/" + id + " not found: " + r);
        return r.getAsJsonObject("_source");
    }

    /** Sends NDJSON lines to {@code _bulk} with refresh. */
    Response bulk(String index, String pipeline, List<Object> sources) {
        indices.add(index);
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < sources.size(); i++) {
            JsonObject action = new JsonObject();
            JsonObject meta = new JsonObject();
            meta.addProperty("_index", index);
            meta.addProperty("_id", "bulk-" + i);
            action.add("index", meta);
            nd.append(GSON.toJson(action)).append('\n').append(toJson(sources.get(i))).append('\n');
        }
        String q = "?refresh=true" + (pipeline == null ? "" : "&pipeline=" + enc(pipeline));
        return request("POST", "/_bulk" + q, nd.toString(), "application/x-ndjson");
    }

    Response putComponentTemplate(String name, Object body) {
        componentTemplates.add(name);
        return put("/_component_template/" + enc(name), body);
    }

    Response putIndexTemplate(String name, Object body) {
        indexTemplates.add(name);
        return put("/_index_template/" + enc(name), body);
    }

    /** Simulates a pipeline definition over the given sources; returns the documents' {@code _source} or error. */
    List<JsonObject> simulate(Object pipelineDefinition, List<?> sources) {
        JsonArray docs = new JsonArray();
        for (Object s : sources) {
            JsonObject d = new JsonObject();
            d.add("_source", GSON.toJsonTree(s));
            docs.add(d);
        }
        JsonObject body = new JsonObject();
        body.add("pipeline", GSON.toJsonTree(pipelineDefinition));
        body.add("docs", docs);
        JsonObject r = post("/_ingest/pipeline/_simulate", body).expect(200).json();
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : r.getAsJsonArray("docs")) {
            out.add(e.getAsJsonObject());
        }
        assertEquals(sources.size(), out.size(), "one simulated result per document");
        return out;
    }

    /** Deletes what this client created; failures are printed, not thrown, so that all deletions are attempted. */
    void cleanup() {
        for (String i : indices) {
            quietly("DELETE", "/" + enc(i) + "?ignore_unavailable=true");
        }
        for (String t : indexTemplates) {
            quietly("DELETE", "/_index_template/" + enc(t));
        }
        for (String t : componentTemplates) {
            quietly("DELETE", "/_component_template/" + enc(t));
        }
        for (String p : pipelines) {
            quietly("DELETE", "/_ingest/pipeline/" + enc(p));
        }
    }

    private void quietly(String method, String path) {
        try {
            Response r = request(method, path, null, null);
            if (r.status() >= 300 && r.status() != 404) {
                System.err.println("cleanup " + method + " " + path + ": HTTP " + r.status() + " " + abbreviate(r.body()));
            }
        } catch (Throwable t) {
            System.err.println("cleanup " + method + " " + path + ": " + t);
        }
    }

    // ------------------------------------------------------------------ span checks shared by the tests

    static final Set<String> SPAN_KEYS = Set.of("label", "text", "start", "end", "score", "field", "head");

    /**
     * Checks every span of a processed document: required keys with the right types, offsets inside the source text
     * and {@code text == source.substring(start, end)}, and that {@code <target>_by_label} lists exactly the span texts.
     * Returns the spans.
     */
    static List<JsonObject> checkSpans(JsonObject source, String target, String context) {
        JsonElement spansElement = source.get(target);
        assertNotNull(spansElement, () -> context + ": no [" + target + "] in " + abbreviate(source.toString()));
        assertTrue(spansElement.isJsonArray(), () -> context + ": [" + target + "] is not an array");
        JsonObject byLabel = source.getAsJsonObject(target + "_by_label");
        assertNotNull(byLabel, () -> context + ": no [" + target + "_by_label] object");
        List<JsonObject> spans = new ArrayList<>();
        Set<String> expectedFlat = new LinkedHashSet<>();
        for (JsonElement e : spansElement.getAsJsonArray()) {
            JsonObject span = e.getAsJsonObject();
            spans.add(span);
            for (String k : SPAN_KEYS) {
                assertTrue(span.has(k), () -> context + ": span without [" + k + "]: " + span);
            }
            String field = span.get("field").getAsString();
            JsonElement value = source.get(field);
            assertNotNull(value, () -> context + ": span names field [" + field + "] absent from the document: " + span);
            String text;
            if (span.has("index")) {
                assertTrue(value.isJsonArray(), () -> context + ": span has [index] but [" + field + "] is not a list: " + span);
                text = value.getAsJsonArray().get(span.get("index").getAsInt()).getAsString();
            } else {
                assertTrue(value.isJsonPrimitive(), () -> context + ": [" + field + "] is a list but the span has no [index]: " + span);
                text = value.getAsString();
            }
            int start = span.get("start").getAsInt();
            int end = span.get("end").getAsInt();
            assertTrue(0 <= start && start < end && end <= text.length(),
                    () -> context + ": offsets outside the text (length " + text.length() + "): " + span);
            assertEquals(text.substring(start, end), span.get("text").getAsString(),
                    () -> context + ": text != source.substring(start, end) for " + span);
            double score = span.get("score").getAsDouble();
            assertTrue(score >= 0 && score <= 1, () -> context + ": score outside [0, 1]: " + span);
            assertFalse(span.get("label").getAsString().isEmpty(), () -> context + ": empty label: " + span);
            expectedFlat.add(span.get("label").getAsString() + "\u0000" + span.get("text").getAsString());
        }
        Set<String> flat = new LinkedHashSet<>();
        for (var entry : byLabel.entrySet()) {
            for (JsonElement t : entry.getValue().getAsJsonArray()) {
                flat.add(entry.getKey() + "\u0000" + t.getAsString());
            }
        }
        assertEquals(expectedFlat, flat, () -> context + ": " + target + "_by_label does not list exactly the span texts");
        return spans;
    }

    /** Short text of spans for assertion messages: {@code [PER "Angela Merkel" 0-13, ...]}. */
    static String describe(List<JsonObject> spans) {
        List<String> parts = new ArrayList<>();
        for (JsonObject s : spans) {
            parts.add(s.get("label").getAsString() + " \"" + s.get("text").getAsString() + "\" "
                    + s.get("start").getAsInt() + "-" + s.get("end").getAsInt());
        }
        return parts.toString();
    }

    static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + s.length() + " chars)";
    }
}
