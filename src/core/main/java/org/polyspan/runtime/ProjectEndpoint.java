package org.polyspan.runtime;

import org.polyspan.model.InferenceRejections;
import org.polyspan.projection.ProjectionRequest;

import java.io.IOException;
import java.util.List;

/**
 * {@code POST .../_project}, answered by {@link ProjectApi}: the body is checked on the network thread (400 naming the
 * pair and the field); translation and projection run on the plugin's inference pool, whose full queue answers 429.
 */
public final class ProjectEndpoint extends Endpoint {
    private final ProjectApi api;
    private final InferenceRejections rejections;

    public ProjectEndpoint(ProjectApi api, InferenceRejections rejections) {
        super("polyspan_project", new Route("POST", "/_project"));
        this.api = api;
        this.rejections = rejections;
    }

    @Override
    public Answer answer(Call call) throws IOException {
        ProjectApi.Parsed parsed;
        try {
            parsed = ProjectApi.parse(call.body());
        } catch (ProjectionRequest.PairException e) {
            return Answer.now(ProjectApi.badRequest(e));
        }
        return Answer.onInferencePool("_project", () -> run(parsed), () -> rejections.rejected(0));
    }

    private Reply run(ProjectApi.Parsed parsed) {
        try {
            return api.run(parsed);
        } catch (RuntimeException e) {
            // ProjectApi answers every failure it knows itself; this one still gets an answer
            return Reply.error(500, null, "projection failed: " + e.getMessage());
        }
    }
}
