package org.polyspan.plugin;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.RestResponse;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code _project} with {@code "translate": "<model id>"}: missing targets are translated by the tiny M2M100-style
 * fixture, exactly as its Python reference translates them ({@code translate_reference.json}), and projected onto.
 */
public class RestProjectNmtTranslateTests extends RestProjectTestCase {
    private JsonArray reference;

    @Override
    protected List<String> extraFixtures() {
        return List.of("tiny-m2m100");
    }

    @Override
    public void setUp() throws Exception {
        super.setUp();
        reference = JsonParser.parseString(Files.readString(modelsRoot.resolve("tiny-m2m100").resolve("translate_reference.json")))
                .getAsJsonObject().getAsJsonArray("cases");
    }

    private JsonObject referenceCase(int i) {
        JsonObject c = reference.get(i).getAsJsonObject();
        assertEquals("eng_Latn", c.get("source_code").getAsString());
        assertEquals("spa_Latn", c.get("target_code").getAsString());
        return c;
    }

    @SuppressWarnings("unchecked")
    public void testMissingTargetsAreTranslatedByTheModel() throws Exception {
        String first = referenceCase(0).get("text").getAsString();
        String second = referenceCase(1).get("text").getAsString();
        int obama = first.indexOf("Obama");
        String body = "{\"translate\":\"tiny-m2m100\",\"source_language\":\"en\",\"target_language\":\"es\",\"model\":\"tiny-heads\","
                + "\"pairs\":[{\"source\":{\"text\":\"" + first + "\",\"spans\":[{\"start\":" + obama + ",\"end\":" + (obama + 5)
                + ",\"label\":\"PER\"}]}},"
                + "{\"source\":{\"tokens\":" + jsonWords(second) + ",\"tags\":" + jsonTags(second) + "}},"
                + "{\"source\":{\"text\":\"Paris\",\"spans\":[]},\"target\":{\"text\":\"Parigi\"}}]}";
        RestResponse r = call(body);
        assertEquals(r.content().utf8ToString(), RestStatus.OK, r.status());
        List<Map<String, Object>> pairs = (List<Map<String, Object>>) map(r).get("pairs");
        Map<String, Object> t0 = (Map<String, Object>) pairs.get(0).get("target");
        assertEquals(referenceCase(0).get("translation").getAsString(), t0.get("text"));
        assertEquals("tiny-m2m100", t0.get("translated_by"));
        String text = (String) t0.get("text");
        List<Map<String, Object>> spans = (List<Map<String, Object>>) pairs.get(0).get("spans");
        assertEquals(1, spans.size() + ((List<?>) pairs.get(0).get("unprojected")).size());
        assertEquals("projected onto the model's translation", 1, spans.size());
        for (Map<String, Object> s : spans) {
            assertEquals(text.substring((Integer) s.get("start"), (Integer) s.get("end")), s.get("text"));
        }
        Map<String, Object> t1 = (Map<String, Object>) pairs.get(1).get("target");
        List<String> words = List.of(referenceCase(1).get("translation").getAsString().split(" "));
        assertEquals(words, t1.get("tokens"));
        assertEquals(words.size(), ((List<?>) pairs.get(1).get("tags")).size());
        assertFalse("a given target is not echoed", pairs.get(2).containsKey("target"));
    }

    private static String jsonWords(String text) {
        List<String> quoted = new ArrayList<>();
        for (String w : text.split(" ")) {
            quoted.add("\"" + w + "\"");
        }
        return "[" + String.join(",", quoted) + "]";
    }

    private static String jsonTags(String text) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < text.split(" ").length; i++) {
            tags.add(i == 0 ? "\"B-ORG\"" : "\"O\"");
        }
        return "[" + String.join(",", tags) + "]";
    }

    @SuppressWarnings("unchecked")
    private void assertBad(String translate, String source, String target, String field, String reasonPart) throws Exception {
        RestResponse r = call("{\"translate\":" + translate + ",\"source_language\":\"" + source + "\",\"target_language\":\"" + target
                + "\",\"model\":\"tiny-heads\",\"pairs\":[{\"source\":{\"text\":\"Obama visited Paris.\",\"spans\":[]}}]}");
        assertEquals(r.content().utf8ToString(), RestStatus.BAD_REQUEST, r.status());
        Map<String, Object> error = (Map<String, Object>) map(r).get("error");
        assertEquals(r.content().utf8ToString(), field, error.get("field"));
        assertTrue(r.content().utf8ToString(), ((String) error.get("reason")).contains(reasonPart));
    }

    public void testUnusableTranslatorsAreBadRequests() throws Exception {
        assertBad("\"no-such-model\"", "en", "es", "translate", "no-such-model");
        assertBad("\"tiny-heads\"", "en", "es", "translate", "not a translation model");
        assertBad("\"tiny-m2m100\"", "en", "ja", "target_language", "[ja]");
        assertBad("\"tiny-m2m100\"", "xx", "es", "source_language", "[xx]");
        assertBad("\"tiny-m2m100\"", "en", "zh", "target_language", "ambiguous");
        assertBad("\"\"", "en", "es", "translate", "the id of a translation model");
        assertBad("true", "en", "es", "translate", "no translator is available");
    }

    @SuppressWarnings("unchecked")
    public void testASourceLongerThanTheModelReadsIsABadRequest() throws Exception {
        String longText = "Paris ".repeat(300).trim();
        RestResponse r = call("{\"translate\":\"tiny-m2m100\",\"source_language\":\"en\",\"target_language\":\"es\","
                + "\"model\":\"tiny-heads\",\"pairs\":[{\"source\":{\"text\":\"Paris\",\"spans\":[]}},"
                + "{\"source\":{\"text\":\"" + longText + "\",\"spans\":[]}}]}");
        assertEquals(r.content().utf8ToString(), RestStatus.BAD_REQUEST, r.status());
        Map<String, Object> error = (Map<String, Object>) map(r).get("error");
        assertEquals("translate", error.get("field"));
        assertTrue(r.content().utf8ToString(), ((String) error.get("reason")).contains("pair [1]: the source has 302 tokens"));
    }
}
