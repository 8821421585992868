package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.polyspan.TinyModelRepository;
import org.polyspan.TinyModels;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@code _project/index} batch without an engine: several target languages in one pass over the source. */
class IndexProjectionBatchTest {
    @RegisterExtension
    static final TinyModelRepository MODELS = new TinyModelRepository();

    /** Model work run on the calling thread, counting the calls. */
    private static final class Inline implements IndexProjectionBatch.ModelWork {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public <T> T call(Callable<T> work) throws Exception {
            calls.incrementAndGet();
            return work.call();
        }
    }

    private static final String[][] TEXTS = {
            {"Angela Merkel met Barack Obama in Berlin.", "Angela Merkel se reunió con Barack Obama en Berlín.",
                    "Angela Merkel traf Barack Obama in Berlin."},
            {"Paris and London are cities.", "París y Londres son ciudades.", "Paris und London sind Städte."},
            {"John Smith works for Google.", "John Smith trabaja para Google.", "John Smith arbeitet für Google."},
    };

    private static List<IndexProjectionBatch.Source> hits() {
        List<IndexProjectionBatch.Source> out = new ArrayList<>();
        for (int i = 0; i < TEXTS.length; i++) {
            String text = TEXTS[i][0];
            int end = text.indexOf(' ', text.indexOf(' ') + 1);
            end = end < 0 ? text.indexOf(' ') : end;
            Map<String, Object> source = new HashMap<>();
            source.put("body", text);
            source.put("body_es", TEXTS[i][1]);
            source.put("body_de", TEXTS[i][2]);
            source.put("spans", List.of(Map.of("label", "PER", "start", 0, "end", text.indexOf(' '), "head", "ner")));
            out.add(new IndexProjectionBatch.Source("d" + i, source));
        }
        // a document without its German translation fails for German only
        Map<String, Object> noGerman = new HashMap<>(Map.of("body", "Obama visited Paris.", "body_es", "Obama visitó París.",
                "spans", List.of(Map.of("label", "PER", "start", 0, "end", 5))));
        out.add(new IndexProjectionBatch.Source("d" + TEXTS.length, noGerman));
        return out;
    }

    private static IndexProjectionSpec spec(List<Map<String, Object>> targets) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source_index", "news-en");
        body.put("text_field", "body");
        body.put("spans_field", "spans");
        body.put("model", TinyModels.HEADS);
        body.put("targets", targets);
        return IndexProjectionSpec.parse(body);
    }

    private static final Map<String, Object> ES = Map.of("target_language", "es", "target_text_field", "body_es", "dest_index", "news-es");
    private static final Map<String, Object> DE = Map.of("target_language", "de", "target_text_field", "body_de", "dest_index", "news-de");

    private static IndexProjectionBatch batch(IndexProjectionSpec spec, IndexProjectionBatch.ModelWork work) {
        List<org.polyspan.translation.Translator> none = new ArrayList<>();
        spec.targets().forEach(t -> none.add(null));
        return new IndexProjectionBatch(MODELS.get(), spec, none, work);
    }

    private static Map<String, Map<String, Object>> byKey(IndexProjectionBatch.Result result) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (IndexProjectionBatch.Write w : result.writes()) {
            out.put(w.index() + "/" + w.id(), w.document());
        }
        return out;
    }

    @Test
    void aTwoLanguageJobEncodesEachSourceDocumentOnce() {
        IndexProjectionSpec both = spec(List.of(ES, DE));
        Inline work = new Inline();
        IndexProjectionBatch.Result result = batch(both, work).run(hits(), Map.of());

        // every source document went through the encoder once, for both languages; each translation once
        int sources = TEXTS.length + 1;
        assertEquals(new ProjectionService.Encodings(sources, 2L * TEXTS.length + 1), result.encodings());
        assertEquals(3, work.calls.get(), "one translation step per language (nothing to translate) and one projection call");
        assertEquals(2 * sources, result.writes().size());
        Map<String, Map<String, Object>> written = byKey(result);
        for (int i = 0; i < TEXTS.length; i++) {
            for (String dest : List.of("news-es", "news-de")) {
                Map<String, Object> doc = written.get(dest + "/d" + i);
                assertTrue(doc != null && doc.containsKey("spans"), dest + "/d" + i + ": " + doc);
            }
            assertEquals(TEXTS[i][1], written.get("news-es/d" + i).get("body_es"));
            assertEquals(TEXTS[i][2], written.get("news-de/d" + i).get("body_de"));
        }
        IndexProjectionBatch.Write missing = result.writes().stream()
                .filter(w -> w.index().equals("news-de") && w.id().equals("d" + TEXTS.length)).findFirst().orElseThrow();
        assertTrue(missing.failure().contains("[body_de] is missing"), missing.failure());
        assertNull(result.writes().stream().filter(w -> w.index().equals("news-es") && w.id().equals("d" + TEXTS.length))
                .findFirst().orElseThrow().failure());

        // the same destination documents as one job per language, which encodes every source once per job
        Map<String, Map<String, Object>> apart = new LinkedHashMap<>();
        long sourceEncodings = 0;
        for (Map<String, Object> target : List.of(ES, DE)) {
            IndexProjectionBatch.Result one = batch(spec(List.of(target)), new Inline()).run(hits(), Map.of());
            apart.putAll(byKey(one));
            sourceEncodings += one.encodings().sources();
        }
        assertEquals(2L * sources - 1, sourceEncodings, "one job per language encodes the sources twice (but for d3 in German)");
        assertEquals(apart.keySet(), written.keySet());
        for (String key : apart.keySet()) {
            assertEquals(spansOf(apart.get(key)), spansOf(written.get(key)), key);
        }

        // the job's counters show it
        IndexProjectionProgress progress = new IndexProjectionProgress();
        List<IndexProjectionProgress.WriteOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < result.writes().size(); i++) {
            outcomes.add(new IndexProjectionProgress.WriteOutcome(i, null));
        }
        progress.batchWritten(result, outcomes);
        IndexProjectionProgress.Snapshot s = progress.snapshot();
        assertEquals(sources, s.sourceEncodings());
        assertEquals(2L * TEXTS.length + 1, s.targetEncodings());
        assertEquals(2L * sources - 1, s.projected());
        assertEquals(1, s.failed());
        assertEquals("news-de", s.failures().get(0).index());
        assertEquals(sources, ((Number) s.fields().get("source_encodings")).longValue());
    }

    @Test
    void aDocumentDoneInOneLanguageIsProjectedInTheOtherOnly() {
        IndexProjectionSpec both = spec(List.of(ES, DE));
        IndexProjectionBatch.Result result = batch(both, new Inline())
                .run(hits(), Map.of("news-es", Set.of("d0", "d1"), "news-de", Set.of("d1")));
        assertEquals(3, result.skipped());
        Set<String> written = byKey(result).keySet();
        assertTrue(written.contains("news-de/d0") && !written.contains("news-es/d0") && !written.contains("news-es/d1")
                && !written.contains("news-de/d1"), written::toString);
        // d0 is still encoded once, for German; d1 not at all
        assertEquals(TEXTS.length, result.encodings().sources());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedProjectionFailsTheBatchInEveryLanguage() {
        IndexProjectionSpec both = spec(List.of(ES, DE));
        IndexProjectionBatch.ModelWork failing = new IndexProjectionBatch.ModelWork() {
            int calls;

            @Override
            public <T> T call(Callable<T> work) throws Exception {
                if (++calls == 3) {
                    throw new IllegalStateException("inference failed");
                }
                return work.call();
            }
        };
        IndexProjectionBatch.Result result = batch(both, failing).run(hits(), Map.of());
        assertEquals(ProjectionService.Encodings.NONE, result.encodings());
        for (IndexProjectionBatch.Write w : result.writes()) {
            assertTrue(w.failure() != null, w.toString());
            Map<String, Object> meta = (Map<String, Object>) w.document().get(IndexProjectionSpec.META);
            assertTrue(((String) meta.get("error")).contains(w.id().equals("d3") && w.index().equals("news-de")
                    ? "missing" : "projection failed: inference failed"), meta::toString);
        }
    }

    @Test
    void translatorsMustMatchTheTargets() {
        IndexProjectionSpec both = spec(List.of(ES, DE));
        assertThrows(IllegalArgumentException.class, () -> new IndexProjectionBatch(MODELS.get(), both, List.of(), new Inline()));
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> spansOf(Map<String, Object> doc) {
        List<List<Object>> out = new ArrayList<>();
        Object spans = doc.get("spans");
        if (spans == null) {
            out.add(List.of(String.valueOf(((Map<String, Object>) doc.get(IndexProjectionSpec.META)).get("error"))));
            return out;
        }
        for (Map<String, Object> s : (List<Map<String, Object>>) spans) {
            out.add(List.of(s.get("label"), s.get("start"), s.get("end"), s.get("field"), String.valueOf(s.get("head"))));
        }
        return out;
    }
}
