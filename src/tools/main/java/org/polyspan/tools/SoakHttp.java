package org.polyspan.tools;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The soak's HTTP: one client for every request, requests with the soak's timeout, and short forms of answers for the report. */
final class SoakHttp {
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    HttpClient client() {
        return client;
    }

    /** The answer to a request, whatever its status; an {@link IOException} when there was none. */
    HttpResponse<String> exchange(String method, String url, String body) throws IOException, InterruptedException {
        return client.send(request(method, url, body), HttpResponse.BodyHandlers.ofString());
    }

    /** A request that must succeed (setup and checks); a missing index on DELETE is fine. */
    String send(String method, String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = exchange(method, url, body);
        if (r.statusCode() >= 300 && !(method.equals("DELETE") && r.statusCode() == 404)) {
            throw new IllegalStateException(method + " " + url + " -> HTTP " + r.statusCode() + ": " + shorten(r.body()));
        }
        return r.body();
    }

    private static HttpRequest request(String method, String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", url.endsWith("_bulk") ? "application/x-ndjson" : "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** An error answer as {@code type: reason}, or the body itself (shortened) when it is not an engine's error. */
    static String errorType(String body) {
        try {
            JsonElement error = JsonParser.parseString(body).getAsJsonObject().get("error");
            if (error != null && error.isJsonObject()) {
                return error.getAsJsonObject().get("type").getAsString() + ": " + shorten(error.getAsJsonObject().get("reason").getAsString());
            }
        } catch (RuntimeException e) {
            // not JSON: the body itself says what went wrong
        }
        return shorten(body);
    }

    /** {@code s}, cut after 160 characters. */
    static String shorten(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }

    /** {@code s} as a JSON string. */
    static String quote(String s) {
        return new JsonPrimitive(s).toString();
    }
}
