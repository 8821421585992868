package org.polyspan.runtime;

import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.translation.Translator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code POST _project/index} reads and answers, the same on every engine: the job a request asks for, the
 * checks before its task starts, and the answers. Each engine's REST handler checks the source index and the query
 * with its own client and parsers, and starts the task with its task manager.
 */
public final class ProjectIndexApi {
    private ProjectIndexApi() {}

    /**
     * The job a request asks for: its body, {@code wait_for_completion} (a job not waited for stores its result) and
     * the {@code slices} parameter.
     *
     * @throws ProjectionRequest.PairException when the body or {@code slices} is invalid (see {@link #badRequest})
     */
    public static IndexProjectionJobRequest job(Map<String, Object> body, boolean waitForCompletion, String slices) {
        int count;
        try {
            count = IndexProjectionSlices.parse(slices);
        } catch (BadRequest e) {
            throw new ProjectionRequest.PairException(-1, e.field(), e.getMessage());
        }
        return IndexProjectionJobRequest.read(body, !waitForCompletion, count, -1);
    }

    /**
     * Checks that every target's models, languages and (with translate) translator are usable, which may load models
     * or ask a service: run it off network threads.
     *
     * @return {@code null} when the job can start, or its 400 answer
     * @throws Exception when the check itself fails (a model that cannot be loaded yet among them)
     */
    public static Reply check(ModelRepository models, IndexProjectionSpec spec, Translator.Lookup translators) throws Exception {
        try {
            IndexProjectionBatch.check(models, spec, translators);
            return null;
        } catch (BadRequest e) {
            return badRequest(new ProjectionRequest.PairException(-1, e.field(), e.getMessage()));
        } catch (ProjectionRequest.PairException e) {
            return badRequest(e);
        }
    }

    /** The 400 answer to a bad body, {@code slices}, or query ({@link ProjectApi#badRequest}). */
    public static Reply badRequest(ProjectionRequest.PairException e) {
        return ProjectApi.badRequest(e);
    }

    /** The 400 answer when the source index does not exist. */
    public static Reply missingSource(String index) {
        return badRequest(new ProjectionRequest.PairException(-1, "source_index", "index [" + index + "] does not exist"));
    }

    /** The answer to a job not waited for: the task to follow, {@code {"task": "<node>:<id>"}}. */
    public static Reply started(String nodeId, long taskId) {
        return Reply.json(200, Map.of("task", nodeId + ":" + taskId));
    }

    /**
     * A finished job's answer, also its task's stored result: {@code took_ms}, {@code cancelled} (why it stopped early,
     * when it did), then its status fields.
     */
    public static Map<String, Object> finished(Map<String, Object> status, long tookMillis, String cancelled) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("took_ms", tookMillis);
        if (cancelled != null) {
            out.put("cancelled", cancelled);
        }
        out.putAll(status);
        return out;
    }
}
