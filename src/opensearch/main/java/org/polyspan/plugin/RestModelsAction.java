package org.polyspan.plugin;

import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;
import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelRepository;
import org.polyspan.translation.TranslationModel;

import java.util.List;
import java.util.Map;

import static org.opensearch.rest.RestRequest.Method.GET;
import static org.opensearch.rest.RestRequest.Method.POST;

/**
 * {@code GET _plugins/polyspan/models} lists the models of this node's models directory;
 * {@code POST _plugins/polyspan/models/{id}/_reload} loads a model's files again (new or retrained heads).
 */
public final class RestModelsAction extends BaseRestHandler {
    private final ModelRepository models;

    public RestModelsAction(ModelRepository models) {
        this.models = models;
    }

    @Override
    public String getName() {
        return "polyspan_models";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(GET, "/_plugins/polyspan/models"), new Route(POST, "/_plugins/polyspan/models/{id}/_reload"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        String id = request.param("id");
        return channel -> {
            XContentBuilder b = channel.newBuilder();
            if (id == null) {
                b.startObject().field("models_path", models.root().toString()).startArray("models");
                for (Map<String, Object> m : models.describe()) {
                    b.map(m);
                }
                b.endArray().endObject();
                channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
                return;
            }
            if (!models.exists(id)) {
                b.startObject().field("error", models.unknownModelMessage(id)).field("status", 404).endObject();
                channel.sendResponse(new BytesRestResponse(RestStatus.NOT_FOUND, b));
                return;
            }
            try {
                if (models.isTranslation(id)) {
                    TranslationModel model = ModelLoading.call(() -> models.reloadTranslation(id));
                    b.startObject().field("id", id).field("state", "loaded").field("task", "translation")
                            .field("languages", model.languages().codes().size()).endObject();
                    channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
                    return;
                }
                LabelingModel model = ModelLoading.reload(models, id);
                b.startObject().field("id", id).field("state", "loaded").field("heads", model.heads().keySet()).endObject();
                channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
            } catch (Exception e) {
                b.startObject().field("error", "model [" + id + "] could not be loaded: " + e.getMessage()).field("status", 500).endObject();
                channel.sendResponse(new BytesRestResponse(RestStatus.INTERNAL_SERVER_ERROR, b));
            }
        };
    }
}
