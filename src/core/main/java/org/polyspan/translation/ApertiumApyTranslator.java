package org.polyspan.translation;

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
import java.util.List;

/**
 * Apertium behind its HTTP service, APY ({@code apt-get install apertium-apy}; {@code apertium-apy -p 2737
 * /usr/share/apertium/modes}). A search node may not start child processes, but it may call a local service.
 * Directions come from {@code /listPairs}; texts go to {@code /translate} in chunks, joined by {@link SeparatedBatch}.
 */
public final class ApertiumApyTranslator implements Translator {
    /** APY's default request timeout is 10 s; chunks keep each request well under it. */
    static final int CHUNK = 64;
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;
    private final List<String> modes;

    private ApertiumApyTranslator(URI base, HttpClient http, Duration timeout, List<String> modes) {
        this.base = base;
        this.http = http;
        this.timeout = timeout;
        this.modes = List.copyOf(modes);
    }

    /** Connects to APY at {@code url} and lists its directions; the exception says why it cannot be used. */
    public static ApertiumApyTranslator connect(String url, Duration timeout) throws TranslationException {
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new TranslationException("[" + url + "] is not a URL: " + e.getMessage(), e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        JsonObject listing = call(http, base, "listPairs", null, timeout);
        List<String> modes = new ArrayList<>();
        for (JsonElement e : listing.getAsJsonArray("responseData")) {
            JsonObject pair = e.getAsJsonObject();
            String mode = pair.get("sourceLanguage").getAsString() + "-" + pair.get("targetLanguage").getAsString();
            if (mode.matches("[a-z]{2,3}-[a-z]{2,3}")) {
                modes.add(mode);
            }
        }
        if (modes.isEmpty()) {
            throw new TranslationException("APY at " + url + " has no language pair installed");
        }
        return new ApertiumApyTranslator(base, http, timeout, modes);
    }

    @Override
    public String name() {
        return "apertium";
    }

    @Override
    public boolean supports(String source, String target) {
        return ApertiumModes.mode(source, target, modes) != null;
    }

    @Override
    public List<String> directions() {
        return modes;
    }

    @Override
    public List<String> translate(List<String> texts, String source, String target) throws TranslationException {
        String mode = ApertiumModes.mode(source, target, modes);
        if (mode == null) {
            throw new TranslationException("apertium has no direction " + source + "->" + target + "; installed: " + modes);
        }
        List<String> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += CHUNK) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + CHUNK));
            String form = "langpair=" + enc(mode.replace('-', '|')) + "&markUnknown=no&q=" + enc(SeparatedBatch.join(chunk));
            JsonObject r = call(http, base, "translate", form, timeout);
            String translated = r.getAsJsonObject("responseData").get("translatedText").getAsString();
            List<String> lines = SeparatedBatch.split(translated, chunk.size());
            if (lines == null) {
                throw new TranslationException("APY " + mode + " did not keep the text separators; translated " + chunk.size() + " texts");
            }
            out.addAll(lines);
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** GET (no form) or POST a form to APY; any failure, including APY's own error answers, is a TranslationException. */
    private static JsonObject call(HttpClient http, URI base, String path, String form, Duration timeout) throws TranslationException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (form == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new TranslationException("APY " + base.resolve(path) + " answered HTTP " + r.statusCode() + ": "
                        + r.body().substring(0, Math.min(200, r.body().length())));
            }
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (SecurityException e) {
            throw new TranslationException("APY " + base.resolve(path) + " is not reachable under the plugin's security policy, which "
                    + "allows connections to this machine only (127.0.0.1, ::1, localhost; ports 1024-65535). Run APY locally, or add "
                    + "permission java.net.SocketPermission \"" + base.getHost() + ":" + port(base) + "\", \"connect,resolve\"; to "
                    + "plugins/polyspan/plugin-security.policy and restart the node (" + String.valueOf(e.getMessage()).lines().findFirst()
                    .orElse("") + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new TranslationException("APY " + base.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranslationException("interrupted while translating", e);
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    @Override
    public String toString() {
        return "apertium-apy " + base + " " + modes;
    }
}
