package org.polyspan.plugin;

import org.polyspan.model.LabelingModel;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.projection.ProjectionService;
import org.polyspan.projection.Projector;
import org.polyspan.projection.WordVectors;

import java.util.List;
import java.util.Map;

/**
 * Runs a parsed {@code _project} request with the node's models: the one place that turns request options into the
 * projector, shared by {@code _project} and {@code _project/index}. Call it on the generic pool, never a network thread.
 */
final class ProjectionRunner {
    private ProjectionRunner() {}

    static List<Map<String, Object>> run(ModelRepository models, ProjectionRequest parsed) throws Exception {
        return ModelLoading.call(() -> {
            LabelingModel model = models.get(parsed.model());
            return ProjectionService.run(parsed, WordVectors.defaults(model), Projector.defaults(parsed.method()));
        });
    }
}
