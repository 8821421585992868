package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.polyspan.model.InferenceRejections;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
