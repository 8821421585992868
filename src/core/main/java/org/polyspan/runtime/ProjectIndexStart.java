package org.polyspan.runtime;

import org.polyspan.model.ModelRepository;
import org.polyspan.projection.ProjectionRequest;
import org.polyspan.translation.Translator;

import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The path of a {@code POST _project/index} request from its body to its task, the same on every engine: read the job
 * ({@link ProjectIndexApi#job}), parse its query, check that the source index exists, check the models and translators
 * on the plugin's project pool (they may load a model or ask a service: never on a network thread), then run the job
 * and wait, or start it and answer its task id. Each engine implements the steps that need its client
 * ({@link Engine}).
 */
public final class ProjectIndexStart {
    /** What a request needs of the engine that received it. */
    public interface Engine {
        /** Parses a query with the engine's query parsers; throws when it is malformed. */
        void parseQuery(Map<String, Object> query) throws Exception;

        /** Answers whether an index exists, without blocking the calling thread. */
        void indexExists(String index, Consumer<Boolean> exists, Consumer<Exception> failed);

        /** The plugin's {@link PluginPools#PROJECT} pool; it throws {@link RejectedExecutionException} when full. */
        Executor projectPool();

        /** Runs the job as a task of this node and answers its finished answer ({@link ProjectIndexApi#finished}). */
        void runAndWait(IndexProjectionJobRequest job, Consumer<Map<String, Object>> answer, Consumer<Exception> failed);

        /** Starts the job as a task of this node, which stores its result, and answers at once. */
        StartedTask startInBackground(IndexProjectionJobRequest job);

        /** Sends the core's answer. */
        void send(Reply reply);

        /** Answers an exception with the engine's status for it (a rejection is 429). */
        void fail(Exception e);
    }

    /** The task a job not waited for runs as. */
    public record StartedTask(String nodeId, long taskId) {}

    private final ModelRepository models;
    private final Translator.Lookup translators;
    private final UnaryOperator<Exception> withStatus;

    /**
     * @param withStatus the exception the engine should answer in place of one that says a model cannot be used yet
     *                   (a retryable 429 in the engine's terms)
     */
    public ProjectIndexStart(ModelRepository models, Translator.Lookup translators, UnaryOperator<Exception> withStatus) {
        this.models = models;
        this.translators = translators;
        this.withStatus = withStatus;
    }

    /** Handles a request: {@code body} as read, {@code wait_for_completion} and the {@code slices} parameter. */
    public void handle(Map<String, Object> body, boolean waitForCompletion, String slices, Engine engine) {
        IndexProjectionJobRequest job;
        try {
            job = ProjectIndexApi.job(body, waitForCompletion, slices);
            parseQuery(engine, job.spec().query());
        } catch (ProjectionRequest.PairException e) {
            engine.send(ProjectIndexApi.badRequest(e));
            return;
        }
        String source = job.spec().sourceIndex();
        engine.indexExists(source, exists -> {
            if (!exists) {
                engine.send(ProjectIndexApi.missingSource(source));
                return;
            }
            try {
                engine.projectPool().execute(() -> checkAndRun(job, waitForCompletion, engine));
            } catch (RejectedExecutionException e) {
                engine.fail(e); // the engine's own rejection: 429
            }
        }, engine::fail);
    }

    /** Parses the query now, so that a malformed one is a 400 before anything starts rather than a failed task. */
    private static void parseQuery(Engine engine, Map<String, Object> query) {
        if (query == null) {
            return;
        }
        try {
            engine.parseQuery(query);
        } catch (Exception e) {
            throw new ProjectionRequest.PairException(-1, "query", "is not a valid query: " + e.getMessage());
        }
    }

    private void checkAndRun(IndexProjectionJobRequest job, boolean waitForCompletion, Engine engine) {
        try {
            Reply bad = ProjectIndexApi.check(models, job.spec(), translators);
            if (bad != null) {
                engine.send(bad);
            } else if (waitForCompletion) {
                engine.runAndWait(job, answer -> engine.send(Reply.json(200, answer)), engine::fail);
            } else {
                StartedTask task = engine.startInBackground(job);
                engine.send(ProjectIndexApi.started(task.nodeId(), task.taskId()));
            }
        } catch (Throwable t) {
            engine.fail(withStatus.apply(Inference.asException("project/index failed", t))); // fatal JVM errors propagate
        }
    }
}
