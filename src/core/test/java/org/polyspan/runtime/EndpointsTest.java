package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.polyspan.model.InferenceRejections;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The endpoints both shells serve: their routes, and which answers come at once and which from the inference pool. */
class EndpointsTest {
    private static Endpoint.Call call(Map<String, String> params, Map<String, Object> body) {
        return new Endpoint.Call(params::get, () -> body, "node-1");
    }

    @Test
    void theMappingTemplateNamesTheTargetField() throws Exception {
        MappingTemplateEndpoint endpoint = new MappingTemplateEndpoint();
        assertEquals(List.of(new Endpoint.Route("GET", "/mapping_template")), endpoint.routes());
        Endpoint.Answer spans = endpoint.answer(call(Map.of(), null));
        assertEquals(Reply.json(200, MappingTemplate.componentTemplate(List.of("spans"))), spans.now());
        Endpoint.Answer entities = endpoint.answer(call(Map.of("target_field", "entities"), null));
        assertEquals(Reply.json(200, MappingTemplate.componentTemplate(List.of("entities"))), entities.now());
        // a target the processor would refuse is refused here too
        for (String bad : List.of("", "..", "a.", "_id")) {
            Reply refused = endpoint.answer(call(Map.of("target_field", bad), null)).now();
            assertEquals(400, refused.status(), bad);
            assertEquals("target_field", ((Map<?, ?>) refused.json().get("error")).get("field"));
        }
    }

    @Test
    void aBadProjectBodyIsAnsweredAtOnceAGoodOneOnThePool() throws Exception {
        InferenceRejections rejections = new InferenceRejections();
        ProjectEndpoint endpoint = new ProjectEndpoint(new ProjectApi(null, null), rejections);
        assertEquals(List.of(new Endpoint.Route("POST", "/_project")), endpoint.routes());
        Endpoint.Answer bad = endpoint.answer(call(Map.of(), Map.of("pairs", List.of())));
        assertEquals(400, bad.now().status());
        assertNull(bad.work());

        Endpoint.Answer good = endpoint.answer(call(Map.of(), Map.of("model", "m", "pairs", List.of(Map.of(
                "source", Map.of("text", "Ada", "spans", List.of()), "target", Map.of("text", "Ada"))))));
        assertNull(good.now());
        assertNotNull(good.work());
        assertEquals("_project", good.what());
        good.onRejected().run();
        assertEquals(1, rejections.tasks());
    }

    @Test
    void anAnswerIsSentOnceWhereverItsWorkRunsAndAFullPoolIsTheEnginesRejection() {
        List<Reply> sent = new ArrayList<>();
        Endpoint.Answer.now(Reply.json(200, Map.of("a", 1))).send(r -> {
            throw new AssertionError("nothing to run");
        }, sent::add, (m, e) -> fail(m));
        assertEquals(List.of(Reply.json(200, Map.of("a", 1))), sent);

        sent.clear();
        Endpoint.Answer.onInferencePool("_x", () -> Reply.json(200, Map.of("b", 2)), () -> fail("not rejected"))
                .send(Runnable::run, sent::add, (m, e) -> fail(m));
        assertEquals(List.of(Reply.json(200, Map.of("b", 2))), sent);

        // work that throws is answered 500 rather than left without an answer
        sent.clear();
        Endpoint.Answer.onInferencePool("_x", () -> {
            throw new StackOverflowError();
        }, () -> fail("not rejected")).send(Runnable::run, sent::add, (m, e) -> fail(m));
        assertEquals(1, sent.size());
        assertEquals(500, sent.get(0).status());

        // an answer the engine cannot write is answered 500, once
        sent.clear();
        List<Reply> attempts = new ArrayList<>();
        Endpoint.Answer.onInferencePool("_x", () -> Reply.json(200, Map.of("b", 2)), () -> fail("not rejected")).send(Runnable::run, r -> {
            attempts.add(r);
            if (attempts.size() == 1) {
                throw new IllegalArgumentException("cannot write value");
            }
            sent.add(r);
        }, (m, e) -> fail(m));
        assertEquals(2, attempts.size());
        assertEquals(1, sent.size());
        assertEquals(500, sent.get(0).status());
        assertTrue(((String) ((Map<?, ?>) sent.get(0).json().get("error")).get("reason")).contains("cannot write value"), sent::toString);

        // a full queue counts the rejection and hands the engine its own exception with the message to answer
        InferenceRejections rejections = new InferenceRejections();
        RejectedExecutionException full = new RejectedExecutionException("queue full");
        List<Object> rejected = new ArrayList<>();
        Endpoint.Answer.onInferencePool("_x", () -> fail("never runs"), () -> rejections.rejected(0)).send(r -> {
            throw full;
        }, sent::add, (m, e) -> {
            rejected.add(m);
            rejected.add(e);
        });
        assertEquals(1, sent.size(), "nothing more sent");
        assertEquals(1, rejections.tasks());
        assertEquals(2, rejected.size());
        assertTrue(((String) rejected.get(0)).startsWith("rejected _x: ") && ((String) rejected.get(0)).contains(PluginPools.INFERENCE_QUEUE_SIZE_KEY),
                rejected::toString);
        assertSame(full, rejected.get(1));
    }
}
