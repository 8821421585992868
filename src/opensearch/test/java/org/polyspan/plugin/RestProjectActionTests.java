package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.RestResponse;
import org.polyspan.translation.Translator;

import java.util.List;
import java.util.Map;

public class RestProjectActionTests extends RestProjectTestCase {

    @SuppressWarnings("unchecked")
    private void assertBad(String json, Integer pair, String field) throws Exception {
        RestResponse r = call(json);
        assertEquals(r.content().utf8ToString(), RestStatus.BAD_REQUEST, r.status());
        Map<String, Object> error = (Map<String, Object>) map(r).get("error");
        assertEquals(field, error.get("field"));
        assertEquals(pair, error.get("pair"));
    }

    public void testValidationNamesPairAndField() throws Exception {
        String ok = "{\"source\":{\"text\":\"Obama visited Paris.\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"PER\"}]},"
                + "\"target\":{\"text\":\"Obama visitó París.\"}}";
        assertBad("{\"model\":\"tiny-heads\",\"pairs\":[" + ok + ",{\"source\":{\"text\":\"a\",\"spans\":[]}}]}", 1, "target");
        assertBad("{\"pairs\":[{\"source\":{\"text\":\"abc\",\"spans\":[{\"start\":0,\"end\":9,\"label\":\"X\"}]},"
                + "\"target\":{\"text\":\"x\"}}]}", 0, "source.spans[0].end");
        assertBad("{\"pairs\":[{\"source\":{\"text\":\"abc def\",\"spans\":[{\"start\":3,\"end\":1,\"label\":\"X\"}]},"
                + "\"target\":{\"text\":\"x\"}}]}", 0, "source.spans[0].end");
        assertBad("{\"pairs\":[{\"source\":{\"text\":\"abc def\",\"spans\":[{\"start\":0,\"end\":3,\"label\":\"X\"},"
                + "{\"start\":2,\"end\":7,\"label\":\"X\"}]},\"target\":{\"text\":\"x\"}}]}", 0, "source.spans[1]");
        assertBad("{\"pairs\":[" + ok + ",{\"source\":{\"tokens\":[\"a\",\"b\"],\"tags\":[\"O\"]},\"target\":{\"tokens\":[\"x\"]}}]}",
                1, "source.tags");
        assertBad("{\"pairs\":[{\"source\":{\"tokens\":[\"a\"],\"tags\":[\"PER\"]},\"target\":{\"tokens\":[\"x\"]}}]}",
                0, "source.tags[0]");
        assertBad("{\"method\":\"nmt\",\"pairs\":[" + ok + "]}", null, "method");
        StringBuilder many = new StringBuilder("{\"pairs\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append(ok);
        }
        assertBad(many.append("]}").toString(), null, "pairs");
    }

    public void testUnknownModelIsBadRequest() throws Exception {
        RestResponse r = call("{\"model\":\"nope\",\"pairs\":[{\"source\":{\"tokens\":[\"a\"],\"tags\":[\"B-X\"]},"
                + "\"target\":{\"tokens\":[\"b\"]}}]}");
        assertEquals(RestStatus.BAD_REQUEST, r.status());
    }

    @SuppressWarnings("unchecked")
    public void testProjectsWithTinyModelInTheFormOfTheInput() throws Exception {
        for (String method : List.of("tproj", "align")) {
            String target = "Obama 🙂 visitó  París.";
            RestResponse r = call("{\"model\":\"tiny-heads\",\"method\":\"" + method + "\",\"explain\":true,\"pairs\":["
                    + "{\"source\":{\"text\":\"Obama visited Paris.\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"PER\"},"
                    + "{\"start\":14,\"end\":19,\"label\":\"LOC\"}]},\"target\":{\"text\":\"" + target + "\"}},"
                    + "{\"source\":{\"tokens\":[\"Obama\",\"visited\",\"Paris\",\".\"],\"tags\":[\"B-PER\",\"O\",\"B-LOC\",\"O\"]},"
                    + "\"target\":{\"tokens\":[\"Obama\",\"visitó\",\"París\",\".\"]}}]}");
            assertEquals(r.content().utf8ToString(), RestStatus.OK, r.status());
            List<Map<String, Object>> pairs = (List<Map<String, Object>>) map(r).get("pairs");
            assertEquals(2, pairs.size());
            Map<String, Object> first = pairs.get(0);
            List<Map<String, Object>> spans = (List<Map<String, Object>>) first.get("spans");
            List<Object> unprojected = (List<Object>) first.get("unprojected");
            assertEquals(2, spans.size() + unprojected.size());
            assertFalse(method + " projected nothing, so no offsets were checked", spans.isEmpty());
            for (Map<String, Object> s : spans) {
                int start = (Integer) s.get("start");
                int end = (Integer) s.get("end");
                assertEquals(target.substring(start, end), s.get("text"));
                assertTrue(s.containsKey("alternatives"));
            }
            Map<String, Object> second = pairs.get(1);
            assertEquals(4, ((List<Object>) second.get("tags")).size());
        }
    }

    public void testMissingTargetNeedsTranslateAndAnInstalledDirection() throws Exception {
        String noTarget = "{\"source\":{\"text\":\"Obama visited Paris.\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"PER\"}]}}";
        assertBad("{\"pairs\":[" + noTarget + "]}", 0, "target");
        assertBad("{\"translate\":true,\"target_language\":\"es\",\"pairs\":[" + noTarget + "]}", null, "source_language");
        assertBad("{\"translate\":1,\"pairs\":[" + noTarget + "]}", null, "translate");
        translator = null;
        RestResponse none = call("{\"translate\":true,\"source_language\":\"en\",\"target_language\":\"es\",\"model\":\"tiny-heads\","
                + "\"pairs\":[" + noTarget + "]}");
        assertEquals(none.content().utf8ToString(), RestStatus.BAD_REQUEST, none.status());
        assertTrue(none.content().utf8ToString(), none.content().utf8ToString().contains("no translator is available"));
    }

    @SuppressWarnings("unchecked")
    public void testTranslatedTargetIsReturnedInTheFormOfTheSource() throws Exception {
        // A word-for-word dictionary stands in for the MT engine: this test is about the plumbing, not translation.
        translator = new DictionaryTranslator(Map.of("visited", "visitó", "Paris", "París"));
        RestResponse r = call("{\"translate\":true,\"source_language\":\"en\",\"target_language\":\"es\",\"model\":\"tiny-heads\","
                + "\"pairs\":[{\"source\":{\"text\":\"Obama visited Paris.\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"PER\"}]}},"
                + "{\"source\":{\"tokens\":[\"Obama\",\"visited\",\"Paris\"],\"tags\":[\"B-PER\",\"O\",\"B-LOC\"]}},"
                + "{\"source\":{\"text\":\"Paris\",\"spans\":[]},\"target\":{\"text\":\"Parigi\"}}]}");
        assertEquals(r.content().utf8ToString(), RestStatus.OK, r.status());
        List<Map<String, Object>> pairs = (List<Map<String, Object>>) map(r).get("pairs");
        Map<String, Object> first = (Map<String, Object>) pairs.get(0).get("target");
        assertEquals("Obama visitó París.", first.get("text"));
        assertEquals("dictionary", first.get("translated_by"));
        Map<String, Object> second = (Map<String, Object>) pairs.get(1).get("target");
        assertEquals(List.of("Obama", "visitó", "París"), second.get("tokens"));
        assertEquals(3, ((List<Object>) pairs.get(1).get("tags")).size());
        assertFalse("a given target is not echoed", pairs.get(2).containsKey("target"));
    }

    /** Replaces whole words from a fixed table; supports en->es only. */
    private record DictionaryTranslator(Map<String, String> words) implements Translator {
        @Override
        public String name() {
            return "dictionary";
        }

        @Override
        public boolean supports(String source, String target) {
            return source.equals("en") && target.equals("es");
        }

        @Override
        public List<String> directions() {
            return List.of("en-es");
        }

        @Override
        public List<String> translate(List<String> texts, String source, String target) {
            return texts.stream().map(t -> {
                String out = t;
                for (var e : words.entrySet()) {
                    out = out.replace(e.getKey(), e.getValue());
                }
                return out;
            }).toList();
        }
    }
}
