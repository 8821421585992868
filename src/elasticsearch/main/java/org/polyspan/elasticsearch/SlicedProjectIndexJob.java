package org.polyspan.elasticsearch;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListenerResponseHandler;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.node.NodeClosedException;
import org.elasticsearch.transport.ConnectTransportException;
import org.elasticsearch.transport.NodeDisconnectedException;
import org.elasticsearch.transport.NodeNotConnectedException;
import org.elasticsearch.transport.TransportRequestOptions;
import org.elasticsearch.transport.TransportResponseHandler;
import org.elasticsearch.transport.TransportService;
import org.elasticsearch.client.internal.Client;
import org.polyspan.runtime.IndexProjectionJobRequest;
import org.polyspan.runtime.ModelsNodeOperation;
import org.polyspan.runtime.SlicedIndexProjectionJob;
import org.polyspan.runtime.SlicedProjectionProgress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The parent of a sliced {@code _project/index} job on Elasticsearch: the core's {@link SlicedIndexProjectionJob} with
 * Elasticsearch's nodes: the models API asks them, each slice goes as a child request of this task (cancelling the
 * parent cancels the children: the task manager bans its descendants), and the task shows the slices' progress.
 */
final class SlicedProjectIndexJob {
    private final TransportService transportService;
    private final ClusterService clusterService;
    private final Client client;

    SlicedProjectIndexJob(TransportService transportService, ClusterService clusterService, Client client) {
        this.transportService = transportService;
        this.clusterService = clusterService;
        this.client = client;
    }

    void start(ProjectIndexTask task, ProjectIndexRequest request, ActionListener<ProjectIndexResponse> listener) {
        Parent parent = new Parent(task, listener);
        new SlicedIndexProjectionJob(request.job(), parent, parent).start();
    }

    /** One sliced job: its parent task, and where its answer goes. */
    private final class Parent implements SlicedIndexProjectionJob.Cluster, SlicedIndexProjectionJob.Listener {
        private final ProjectIndexTask task;
        private final ActionListener<ProjectIndexResponse> listener;

        Parent(ProjectIndexTask task, ActionListener<ProjectIndexResponse> listener) {
            this.task = task;
            this.listener = listener;
        }

        @Override
        public void describeNodes(Consumer<Map<String, Map<String, Object>>> described, Consumer<Exception> failed) {
            client.execute(ModelsAction.INSTANCE, new ModelsNodesRequest(ModelsNodeOperation.Operation.DESCRIBE, null),
                    ActionListener.wrap(response -> {
                        Map<String, Map<String, Object>> byNode = new LinkedHashMap<>();
                        for (ModelsNodeResponse node : response.getNodes()) {
                            byNode.put(node.getNode().getId(), node.result().body());
                        }
                        described.accept(byNode);
                    }, failed::accept));
        }

        @Override
        public String localNode() {
            return clusterService.localNode().getId();
        }

        @Override
        public boolean sendSlice(String nodeId, IndexProjectionJobRequest slice, SlicedIndexProjectionJob.SliceAnswer answer) {
            DiscoveryNode node = clusterService.state().nodes().get(nodeId);
            if (node == null) {
                return false;
            }
            ActionListener<ProjectIndexResponse> sliceListener = ActionListener.wrap(
                    response -> answer.finished(response.status().fields(), response.cancelled()), e -> answer.failed(failure(node, e)));
            transportService.sendChildRequest(node, ProjectIndexAction.NAME, new ProjectIndexRequest(slice), task,
                    TransportRequestOptions.EMPTY, new ActionListenerResponseHandler<>(sliceListener, ProjectIndexResponse::new,
                    TransportResponseHandler.TRANSPORT_WORKER));
            return true;
        }

        @Override
        public void started(SlicedProjectionProgress progress) {
            task.sliced(progress);
        }

        @Override
        public void finished(SlicedProjectionProgress progress, long tookMillis) {
            listener.onResponse(new ProjectIndexResponse(new ProjectIndexStatus(progress.fields()), tookMillis,
                    task.isCancelled() ? task.getReasonCancelled() : null));
        }

        @Override
        public void failed(Exception e) {
            listener.onFailure(e);
        }
    }

    /** Why a slice failed, from Elasticsearch's transport exceptions: its node left, or another reason. */
    static String failure(DiscoveryNode node, Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        boolean left = cause instanceof NodeDisconnectedException || cause instanceof NodeNotConnectedException
                || cause instanceof NodeClosedException || cause instanceof ConnectTransportException;
        return SlicedProjectionProgress.failure(node.getName(), left, cause.getMessage());
    }
}
