package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.rest.RestResponse;

import java.util.List;
import java.util.Map;

/**
 * {@code _project} given a model of the wrong kind in one of its model options: a text-to-text or translation model as
 * the encoder ({@code model}), a labelling model as generator or NMT scorer. Each is a 400 naming the option and the
 * kind of model it needs, never a 500.
 */
public class RestProjectModelKindTests extends RestProjectTestCase {

    @Override
    protected List<String> extraFixtures() {
        return List.of("tiny-t5", "tiny-m2m100");
    }

    private static final String PAIRS = "\"pairs\":[{\"source\":{\"text\":\"Obama visited Paris .\",\"spans\":["
            + "{\"start\":0,\"end\":5,\"label\":\"PER\"}]},\"target\":{\"text\":\"Obama visitó París .\"}}]";

    @SuppressWarnings("unchecked")
    private void assertWrongKind(String options, String field, String... expected) throws Exception {
        RestResponse r = call("{" + options + PAIRS + "}");
        String body = r.content().utf8ToString();
        assertEquals(body, RestStatus.BAD_REQUEST, r.status());
        Map<String, Object> error = (Map<String, Object>) map(r).get("error");
        assertEquals(body, field, error.get("field"));
        String reason = (String) error.get("reason");
        for (String part : expected) {
            assertTrue("[" + part + "] missing from: " + reason, reason.contains(part));
        }
        assertFalse(body, body.contains("Exception"));
    }

    public void testTextToTextModelAsEncoderIsABadRequest() throws Exception {
        assertWrongKind("\"model\":\"tiny-t5\",", "model", "[tiny-t5] is a text-to-text model", "encoder");
        assertWrongKind("\"model\":\"tiny-t5\",\"method\":\"align\",", "model", "[tiny-t5] is a text-to-text model");
        assertEquals("refused before loading anything", "not_loaded", state("tiny-t5"));
    }

    public void testTranslationModelAsEncoderIsABadRequest() throws Exception {
        assertWrongKind("\"model\":\"tiny-m2m100\",", "model", "[tiny-m2m100] is a translation model", "encoder", "nmt_model");
        assertEquals("not_loaded", state("tiny-m2m100"));
    }

    public void testLabellingModelsAsGeneratorOrScorerAreBadRequests() throws Exception {
        assertWrongKind("\"model\":\"tiny-heads\",\"candidates\":\"seq2seq\",\"generator_model\":\"tiny-heads\",",
                "generator_model", "[tiny-heads] is an encoder model", "text-to-text");
        assertWrongKind("\"model\":\"tiny-heads\",\"candidates\":\"seq2seq\",\"generator_model\":\"tiny-m2m100\",",
                "generator_model", "[tiny-m2m100] is a translation model", "text-to-text");
        assertWrongKind("\"scorer\":\"nmt\",\"nmt_model\":\"tiny-heads\",\"source_language\":\"en\",\"target_language\":\"es\",",
                "nmt_model", "[tiny-heads] is an encoder model", "translation model");
        assertWrongKind("\"scorer\":\"nmt\",\"nmt_model\":\"tiny-t5\",\"source_language\":\"en\",\"target_language\":\"es\",",
                "nmt_model", "[tiny-t5] is a text-to-text model", "translation model");
    }

    /** The right kinds still work once the wrong ones were refused. */
    public void testTheRightKindsStillProject() throws Exception {
        assertWrongKind("\"model\":\"tiny-t5\",", "model", "text-to-text");
        RestResponse r = call("{\"model\":\"tiny-heads\",\"candidates\":\"seq2seq\",\"generator_model\":\"tiny-t5\"," + PAIRS + "}");
        assertEquals(r.content().utf8ToString(), RestStatus.OK, r.status());
    }

    private String state(String id) throws Exception {
        return models.describe().stream().filter(m -> m.get("id").equals(id)).map(m -> (String) m.get("state")).findFirst().orElseThrow();
    }
}
