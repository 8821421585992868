package org.polyspan.elasticsearch;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.polyspan.runtime.MappingTemplate;
import org.polyspan.runtime.Reply;

import java.util.List;

import static org.elasticsearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _polyspan/mapping_template?target_field=spans}: a component template mapping the processor's output,
 * spans as {@code nested} objects and {@code <target>_by_label.*} as keywords (aggregatable in Kibana).
 */
public final class RestMappingTemplateAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "polyspan_mapping_template";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_polyspan/mapping_template"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String target = request.param("target_field", MappingTemplate.DEFAULT_TARGET);
        return channel -> Replies.send(channel, Reply.json(200, MappingTemplate.componentTemplate(List.of(target))));
    }
}
