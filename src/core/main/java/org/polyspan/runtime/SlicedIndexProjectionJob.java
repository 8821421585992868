package org.polyspan.runtime;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The parent of a sliced {@code _project/index} job, on any engine: asks every node which models it has, deals the
 * slices over the nodes that have the job's models ({@link IndexProjectionSlices}), sends each slice to its node
 * through the engine ({@link Cluster}), and counts the answers ({@link SlicedProjectionProgress}) until the last one.
 * A slice whose node has left fails with a status that says so; the others go on. Nothing here blocks: the answers
 * arrive on the engine's threads and only count.
 */
public final class SlicedIndexProjectionJob {
    /** What the job asks of the engine's cluster. Its answers may arrive on any thread. */
    public interface Cluster {
        /** Asks every node to describe its models: each node's describe body ({@link ModelsNodeOperation}) by node id. */
        void describeNodes(Consumer<Map<String, Map<String, Object>>> described, Consumer<Exception> failed);

        /** The id of the node that coordinates the job. */
        String localNode();

        /**
         * Sends {@code slice} to node {@code nodeId} as a child request of the job's task; {@code answer} hears once
         * how it ended.
         *
         * @return false, having sent nothing, when the node is no longer in the cluster
         */
        boolean sendSlice(String nodeId, IndexProjectionJobRequest slice, SliceAnswer answer);
    }

    /** How one slice ended. */
    public interface SliceAnswer {
        /** The slice ran: its task's status fields and, when it stopped early, why. */
        void finished(Map<String, Object> fields, String cancelled);

        /** The slice failed as a whole; {@link SlicedProjectionProgress#failure} words {@code reason}. */
        void failed(String reason);
    }

    /** Where the job reports. */
    public interface Listener {
        /** The slices are dealt and about to be sent: the parent task shows {@code progress} from now on. */
        void started(SlicedProjectionProgress progress);

        /** Every slice has answered. */
        void finished(SlicedProjectionProgress progress, long tookMillis);

        /** The job could not hand out its slices (no node has its models, or the nodes could not be asked). */
        void failed(Exception e);
    }

    private final IndexProjectionJobRequest job;
    private final Cluster cluster;
    private final Listener listener;
    private final long t0 = System.nanoTime();

    public SlicedIndexProjectionJob(IndexProjectionJobRequest job, Cluster cluster, Listener listener) {
        this.job = job;
        this.cluster = cluster;
        this.listener = listener;
    }

    public void start() {
        cluster.describeNodes(this::deal, listener::failed);
    }

    private void deal(Map<String, Map<String, Object>> describedByNode) {
        Set<String> required = IndexProjectionSlices.requiredModels(job.spec().options());
        List<String> nodes;
        try {
            nodes = IndexProjectionSlices.assign(job.slices(), IndexProjectionSlices.eligibleNodes(describedByNode, required),
                    cluster.localNode(), required);
        } catch (BadRequest e) {
            listener.failed(new IllegalArgumentException("[" + e.field() + "] " + e.getMessage(), e));
            return;
        }
        send(nodes);
    }

    private void send(List<String> nodes) {
        SlicedProjectionProgress progress = new SlicedProjectionProgress(nodes);
        listener.started(progress);
        for (int i = 0; i < nodes.size(); i++) {
            int slice = i;
            SliceAnswer answer = new SliceAnswer() {
                @Override
                public void finished(Map<String, Object> fields, String cancelled) {
                    answered(progress, progress.finished(slice, fields, cancelled));
                }

                @Override
                public void failed(String reason) {
                    answered(progress, progress.failed(slice, reason));
                }
            };
            if (!cluster.sendSlice(nodes.get(i), job.slice(slice, nodes.size()), answer)) {
                answer.failed(SlicedProjectionProgress.failure(nodes.get(i), true, null));
            }
        }
    }

    private void answered(SlicedProjectionProgress progress, boolean last) {
        if (last) {
            listener.finished(progress, (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
