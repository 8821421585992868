package org.polyspan.plugin;

import org.polyspan.ProcessorTestModels;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.RestResponse;
import org.polyspan.labeling.Document;
import org.polyspan.projection.GeneratedCandidates;
import org.polyspan.projection.SpanScorer;
import org.polyspan.projection.WordSpan;
import org.polyspan.seq2seq.Seq2SeqModel;
import org.polyspan.seq2seq.TProjectionGenerator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code _project} with {@code candidates: seq2seq}: the tiny T5 fixture as generator, the tiny encoder as scorer. */
public class RestProjectSeq2SeqTests extends RestProjectTestCase {

    @Override
    protected List<String> extraFixtures() {
        return List.of("tiny-t5");
    }

    private static final String PAIR = "{\"source\":{\"text\":\"Obama visited Paris .\",\"spans\":[{\"start\":0,\"end\":5,\"label\":\"PER\"},"
            + "{\"start\":14,\"end\":19,\"label\":\"LOC\"}]},\"target\":{\"text\":\"Obama visitó París .\"}}";

    @SuppressWarnings("unchecked")
    private void assertBad(String options, String field) throws Exception {
        RestResponse r = call("{\"model\":\"tiny-heads\"," + options + "\"pairs\":[" + PAIR + "]}");
        assertEquals(r.content().utf8ToString(), RestStatus.BAD_REQUEST, r.status());
        Map<String, Object> error = (Map<String, Object>) map(r).get("error");
        assertEquals(r.content().utf8ToString(), field, error.get("field"));
        assertFalse(r.content().utf8ToString().contains("Exception:"));
    }

    public void testBadGeneratorOptionsAreBadRequests() throws Exception {
        assertBad("\"candidates\":\"seq2seq\",", "generator_model");
        assertBad("\"candidates\":\"seq2seq\",\"generator_model\":\"nope\",", "generator_model");
        assertBad("\"candidates\":\"seq2seq\",\"generator_model\":\"tiny-heads\",", "generator_model");
        assertBad("\"candidates\":\"seq2seq\",\"generator_model\":\"../tiny-t5\",", "generator_model");
        assertBad("\"candidates\":\"beams\",\"generator_model\":\"tiny-t5\",", "candidates");
        assertBad("\"candidates\":7,", "candidates");
        assertBad("\"method\":\"align\",\"candidates\":\"seq2seq\",\"generator_model\":\"tiny-t5\",", "candidates");
        assertBad("\"generator_model\":\"tiny-t5\",", "generator_model");
        assertBad("\"scorer\":\"nmt\",\"nmt_model\":\"tiny-t5\",\"source_language\":\"en\",\"target_language\":\"es\","
                + "\"candidates\":\"seq2seq\",\"generator_model\":\"tiny-t5\",", "candidates");
    }

    /** Every projected span and alternative is one of the ranges the generator core proposes for its label. */
    @SuppressWarnings("unchecked")
    public void testSeq2SeqCandidatesAreTheGeneratorsRanges() throws Exception {
        String target = "Obama visitó París .";
        Document doc = Document.of(target);
        List<WordSpan> spans = List.of(new WordSpan(0, 1, "PER"), new WordSpan(2, 3, "LOC"));
        List<List<int[]>> proposed;
        try (Seq2SeqModel t5 = Seq2SeqModel.load(ProcessorTestModels.fixtures().resolve("tiny-t5"), false, 1)) {
            TProjectionGenerator gen = new TProjectionGenerator(t5.tokenizer(), t5.onnx(), t5.options(), t5.options().beamWidth(), Integer.MAX_VALUE);
            proposed = new GeneratedCandidates(gen, SpanScorer.Params.DEFAULT).propose(doc, spans);
        }
        for (String candidates : List.of("seq2seq", "seq2seq+ngrams")) {
            RestResponse r = call("{\"model\":\"tiny-heads\",\"candidates\":\"" + candidates + "\",\"generator_model\":\"tiny-t5\","
                    + "\"explain\":true,\"top_k\":20,\"pairs\":[" + PAIR + "]}");
            assertEquals(r.content().utf8ToString(), RestStatus.OK, r.status());
            Map<String, Object> body = map(r);
            assertEquals(candidates, body.get("candidates"));
            Map<String, Object> pair = ((List<Map<String, Object>>) body.get("pairs")).get(0);
            List<Map<String, Object>> projected = (List<Map<String, Object>>) pair.get("spans");
            assertEquals(2, projected.size() + ((List<Object>) pair.get("unprojected")).size());
            for (Map<String, Object> s : projected) {
                int index = (Integer) s.get("source_index");
                Set<String> expected = new TreeSet<>();
                for (int[] range : proposed.get(index)) {
                    expected.add(doc.words().get(range[0]).start() + "-" + doc.words().get(range[1] - 1).end());
                }
                assertFalse("the generator proposes something for " + s, expected.isEmpty());
                Set<String> offered = new TreeSet<>();
                for (Map<String, Object> alt : (List<Map<String, Object>>) s.get("alternatives")) {
                    int start = (Integer) alt.get("start");
                    int end = (Integer) alt.get("end");
                    assertEquals(target.substring(start, end), alt.get("text"));
                    offered.add(start + "-" + end);
                }
                assertEquals(target.substring((Integer) s.get("start"), (Integer) s.get("end")), s.get("text"));
                if (candidates.equals("seq2seq")) {
                    assertEquals("alternatives are exactly the generated ranges", expected, offered);
                    assertTrue(expected.contains(s.get("start") + "-" + s.get("end")));
                } else {
                    assertTrue("with n-grams there is more to choose from", offered.size() >= Math.min(20, expected.size()));
                }
            }
        }
    }
}
