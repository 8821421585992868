package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.ingest.SpanLabelingOptions;
import org.polyspan.runtime.MappingTemplate;

import java.util.List;

import static org.opensearch.rest.RestRequest.Method.GET;

/**
 * {@code GET _plugins/polyspan/mapping_template?target_field=spans} returns a component template body mapping the
 * processor's output: spans as {@code nested} objects, and {@code <target>_by_label.*} as keywords.
 */
public final class RestMappingTemplateAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "polyspan_mapping_template";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_plugins/polyspan/mapping_template"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String target = request.param(SpanLabelingOptions.TARGET_FIELD, SpanLabelingOptions.DEFAULT_TARGET);
        return channel -> {
            XContentBuilder b = channel.newBuilder();
            b.map(MappingTemplate.componentTemplate(List.of(target)));
            channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
        };
    }

}
