package org.polyspan.runtime;

import org.polyspan.model.ModelLeases;
import org.polyspan.model.ModelRepository;
import org.polyspan.projection.IndexProjectionSpec;
import org.polyspan.translation.Translator;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One {@code _project/index} run (a whole job, or one slice of a sliced job) on any engine: checks the models,
 * resolves each target's translator, and runs the {@link IndexProjectionRun} loop with the engine's client. It blocks
 * on that client: run it on the plugin's project pool, with the model work on the inference pool
 * ({@link IndexProjectionBatch.ModelWork}).
 */
public final class IndexProjectionJobRun {
    /** The task the run reports to: its counters, and whether (and why) it was cancelled. */
    public interface Task {
        IndexProjectionProgress progress();

        boolean isCancelled();

        String getReasonCancelled();
    }

    /** How the run ended: how long it took, and why it stopped early ({@code null} when it ran to the end). */
    public record Outcome(long tookMillis, String cancelled) {}

    private final ModelRepository models;
    private final Translator.Lookup translators;
    private final UnaryOperator<Exception> modelsNotReady;

    /**
     * @param modelsNotReady what a failed model check throws instead (an engine answers a model that cannot be used yet
     *                       with its own status), or the identity
     */
    public IndexProjectionJobRun(ModelRepository models, Translator.Lookup translators, UnaryOperator<Exception> modelsNotReady) {
        this.models = models;
        this.translators = translators;
        this.modelsNotReady = modelsNotReady;
    }

    /** The plugin's pools as the engine gives them, and how to tell a rejection from a pool that shuts down. */
    public record Pools(Executor project, Executor inference, Predicate<RejectedExecutionException> shutdown) {
        /**
         * Model work of a job: run on the inference pool and waited for, retrying while its queue is full
         * ({@link BackoffExecution}) until the job is cancelled or the pool shuts down.
         */
        public IndexProjectionBatch.ModelWork modelWork(BooleanSupplier cancelled) {
            return new IndexProjectionBatch.ModelWork() {
                @Override
                public <T> T call(Callable<T> work) throws Exception {
                    return BackoffExecution.call(inference, cancelled, shutdown, work);
                }
            };
        }
    }

    /**
     * Runs {@code job} on the project pool, where its searches and bulk writes may wait (no transport, network or
     * inference thread does), with its model work sent to the inference pool batch by batch, waiting and retrying while
     * that queue is full ({@link BackoffExecution}). Exactly one of {@code done} and {@code failed} is called: a full
     * project pool fails with the engine's own rejection (429), a failed job with its exception.
     */
    public void start(Pools pools, IndexProjectionRun.IndexClient client, IndexProjectionJobRequest job, Task task,
                      Consumer<Outcome> done, Consumer<Exception> failed) {
        IndexProjectionBatch.ModelWork work = pools.modelWork(task::isCancelled);
        try {
            pools.project().execute(() -> {
                Outcome outcome;
                try {
                    outcome = run(client, job, task, work);
                } catch (Throwable t) {
                    failed.accept(Inference.asException("project/index failed", t)); // fatal JVM errors propagate
                    return;
                }
                done.accept(outcome);
            });
        } catch (RejectedExecutionException e) {
            failed.accept(e);
        }
    }

    /**
     * Runs {@code job}; a translation model it translates with stays leased until it ends, so a reload waits to close it.
     *
     * @throws IllegalArgumentException when a model or translator of the job cannot serve it
     */
    public Outcome run(IndexProjectionRun.IndexClient client, IndexProjectionJobRequest job, Task task, IndexProjectionBatch.ModelWork work)
            throws Exception {
        long t0 = System.nanoTime();
        IndexProjectionSpec spec = job.spec();
        try (ModelLeases leases = new ModelLeases()) {
            List<Translator> translator;
            try {
                try {
                    IndexProjectionBatch.checkModels(models, spec);
                } catch (Exception e) {
                    throw modelsNotReady.apply(e);
                }
                translator = IndexProjectionBatch.translators(models, spec, translators, leases);
            } catch (BadRequest e) {
                throw new IllegalArgumentException("[" + e.field() + "] " + e.getMessage(), e);
            }
            String cancelled = new IndexProjectionRun(client, spec).run(new IndexProjectionBatch(models, spec, translator, work),
                    task.progress(), job.sliceId(), job.slices(), task::isCancelled, task::getReasonCancelled);
            return new Outcome((System.nanoTime() - t0) / 1_000_000, cancelled);
        }
    }
}
