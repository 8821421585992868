package org.polyspan.plugin;

import org.opensearch.ExceptionsHelper;
import org.opensearch.action.ActionListenerResponseHandler;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.ActionListener;
import org.opensearch.node.NodeClosedException;
import org.opensearch.transport.ConnectTransportException;
import org.opensearch.transport.NodeDisconnectedException;
import org.opensearch.transport.NodeNotConnectedException;
import org.opensearch.transport.TransportRequestOptions;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.polyspan.runtime.BadRequest;
import org.polyspan.runtime.IndexProjectionSlices;
import org.polyspan.runtime.ModelsNodeOperation;
import org.polyspan.runtime.SlicedProjectionProgress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The parent of a sliced {@code _project/index} job on OpenSearch: asks every node which models it has, deals the
 * slices over the nodes that have the job's models ({@link IndexProjectionSlices}), and sends each slice as a child
 * request of this task to its node, where it runs as an ordinary job over a sliced scroll. Cancelling the parent
 * cancels the children (the task manager bans its descendants). A slice whose node leaves fails with a status that
 * says so; the others go on. Nothing here blocks: the answers arrive on transport threads and only count.
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
        long t0 = System.nanoTime();
        client.execute(ModelsAction.INSTANCE, new ModelsNodesRequest(ModelsNodeOperation.Operation.DESCRIBE, null),
                ActionListener.wrap(described -> {
                    Map<String, Map<String, Object>> byNode = new LinkedHashMap<>();
                    for (ModelsNodeResponse node : described.getNodes()) {
                        byNode.put(node.getNode().getId(), node.result().body());
                    }
                    Set<String> required = IndexProjectionSlices.requiredModels(request.spec().options());
                    List<String> nodes;
                    try {
                        nodes = IndexProjectionSlices.assign(request.slices(), IndexProjectionSlices.eligibleNodes(byNode, required),
                                clusterService.localNode().getId(), required);
                    } catch (BadRequest e) {
                        listener.onFailure(new IllegalArgumentException("[" + e.field() + "] " + e.getMessage(), e));
                        return;
                    }
                    send(task, request, nodes, t0, listener);
                }, listener::onFailure));
    }

    private void send(ProjectIndexTask task, ProjectIndexRequest request, List<String> nodes, long t0,
                      ActionListener<ProjectIndexResponse> listener) {
        SlicedProjectionProgress progress = new SlicedProjectionProgress(nodes);
        task.sliced(progress);
        Consumer<Boolean> answered = last -> {
            if (last) {
                listener.onResponse(new ProjectIndexResponse(new ProjectIndexStatus(progress.fields()), (System.nanoTime() - t0) / 1_000_000,
                        task.isCancelled() ? task.getReasonCancelled() : null));
            }
        };
        for (int i = 0; i < nodes.size(); i++) {
            int slice = i;
            DiscoveryNode node = clusterService.state().nodes().get(nodes.get(i));
            if (node == null) {
                answered.accept(progress.failed(slice, SlicedProjectionProgress.failure(nodes.get(i), true, null)));
                continue;
            }
            ActionListener<ProjectIndexResponse> sliceListener = ActionListener.wrap(
                    response -> answered.accept(progress.finished(slice, response.status().fields(), response.cancelled())),
                    e -> answered.accept(progress.failed(slice, failure(node, e))));
            transportService.sendChildRequest(node, ProjectIndexAction.NAME, request.slice(slice, nodes.size()), task,
                    TransportRequestOptions.EMPTY, new ActionListenerResponseHandler<>(sliceListener, ProjectIndexResponse::new));
        }
    }

    static String failure(DiscoveryNode node, Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        boolean left = cause instanceof NodeDisconnectedException || cause instanceof NodeNotConnectedException
                || cause instanceof NodeClosedException || cause instanceof ConnectTransportException;
        return SlicedProjectionProgress.failure(node.getName(), left, cause.getMessage());
    }
}
