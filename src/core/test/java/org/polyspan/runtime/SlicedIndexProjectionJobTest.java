package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.polyspan.projection.ProjectionRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job request both engines carry, its REST answers, and the hand-out and collection of a sliced job's slices. */
class SlicedIndexProjectionJobTest {
    private static final Map<String, Object> BODY = Map.of("source_index", "src", "dest_index", "dst", "text_field", "body",
            "spans_field", "spans", "target_text_field", "body_es", "model", "enc", "method", "align");

    @Test
    void aRestRequestAsksForAJob() {
        IndexProjectionJobRequest waited = ProjectIndexApi.job(BODY, true, null);
        assertFalse(waited.storeResult()); // a job waited for answers its result instead of storing it
        assertEquals(1, waited.slices());
        assertEquals(-1, waited.sliceId());
        assertTrue(waited.runsDocuments());
        assertEquals("project [src][body/spans] onto [body_es] into [dst]", waited.description());

        IndexProjectionJobRequest background = ProjectIndexApi.job(BODY, false, "auto");
        assertTrue(background.storeResult());
        assertEquals(IndexProjectionSlices.AUTO, background.slices());
        assertFalse(background.runsDocuments()); // the parent only hands out slices
        assertEquals(waited.description() + " in slices", background.description());

        ProjectionRequest.PairException slices = assertThrows(ProjectionRequest.PairException.class,
                () -> ProjectIndexApi.job(BODY, false, "65"));
        assertEquals("slices", slices.field());
        assertEquals(-1, slices.pair());
        Map<String, Object> noSource = new LinkedHashMap<>(BODY);
        noSource.remove("source_index");
        assertThrows(ProjectionRequest.PairException.class, () -> ProjectIndexApi.job(noSource, false, null));
    }

    @Test
    void aSliceKeepsTheJobButNotItsResult() {
        IndexProjectionJobRequest job = ProjectIndexApi.job(BODY, false, "3");
        IndexProjectionJobRequest slice = job.slice(1, 3);
        assertEquals(job.body(), slice.body());
        assertEquals(job.spec(), slice.spec());
        assertFalse(slice.storeResult()); // the parent's result holds the slices'
        assertEquals(3, slice.slices());
        assertEquals(1, slice.sliceId());
        assertTrue(slice.runsDocuments());
        assertTrue(slice.description().endsWith(" slice 1 of 3"), slice.description());
        // as a transport request carries it: the body is parsed again
        IndexProjectionJobRequest read = IndexProjectionJobRequest.read(slice.body(), slice.storeResult(), slice.slices(), slice.sliceId());
        assertEquals(slice, read);
    }

    @Test
    void restAnswers() {
        assertEquals(Map.of("task", "node-1:42"), ProjectIndexApi.started("node-1", 42).json());
        Reply missing = ProjectIndexApi.missingSource("src");
        assertEquals(400, missing.status());
        Map<?, ?> error = (Map<?, ?>) missing.json().get("error");
        assertEquals("field [source_index]: index [src] does not exist", error.get("reason"));
        assertEquals("source_index", error.get("field"));

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("total", 3L);
        status.put("processed", 3L);
        assertEquals(List.of("took_ms", "total", "processed"), List.copyOf(ProjectIndexApi.finished(status, 7, null).keySet()));
        Map<String, Object> cancelled = ProjectIndexApi.finished(status, 7, "by user request");
        assertEquals(List.of("took_ms", "cancelled", "total", "processed"), List.copyOf(cancelled.keySet()));
        assertEquals(7L, cancelled.get("took_ms"));
        assertEquals("by user request", cancelled.get("cancelled"));
    }

    @Test
    void slicesGoToTheNodesWithTheModelsAndTheLastAnswerEndsTheJob() {
        FakeCluster cluster = new FakeCluster("b");
        cluster.described.put("a", Map.of("models", List.of(Map.of("id", "enc"))));
        cluster.described.put("b", Map.of("models", List.of(Map.of("id", "enc"))));
        cluster.described.put("c", Map.of("models", List.of())); // lacks the job's model
        Recorder listener = new Recorder();
        new SlicedIndexProjectionJob(ProjectIndexApi.job(BODY, false, "3"), cluster, listener).start();

        assertEquals(List.of("b", "a", "b"), cluster.sentTo);
        assertEquals(List.of(0, 1, 2), cluster.sent.stream().map(IndexProjectionJobRequest::sliceId).toList());
        assertTrue(cluster.sent.stream().allMatch(s -> s.slices() == 3 && !s.storeResult()));
        assertEquals(3, listener.started.slices());

        cluster.answers.get(2).finished(Map.of("processed", 2L), null);
        cluster.answers.get(0).finished(Map.of("processed", 5L), "by user request");
        assertNull(listener.finished);
        cluster.answers.get(1).failed(SlicedProjectionProgress.failure("a", false, "boom"));
        assertEquals(listener.started, listener.finished);
        Map<String, Object> fields = listener.finished.fields();
        assertEquals(7L, fields.get("processed"));
        List<?> slices = (List<?>) fields.get("slices");
        assertEquals("cancelled", ((Map<?, ?>) slices.get(0)).get("state"));
        assertEquals("slice failed on node [a]: boom", ((Map<?, ?>) slices.get(1)).get("reason"));
        assertEquals("completed", ((Map<?, ?>) slices.get(2)).get("state"));
        assertNull(listener.failure);
    }

    @Test
    void aSliceWhoseNodeHasLeftFailsAndTheOthersGoOn() {
        FakeCluster cluster = new FakeCluster("a");
        cluster.described.put("a", Map.of("models", List.of(Map.of("id", "enc"))));
        cluster.described.put("gone", Map.of("models", List.of(Map.of("id", "enc"))));
        cluster.left.add("gone");
        Recorder listener = new Recorder();
        new SlicedIndexProjectionJob(ProjectIndexApi.job(BODY, false, "auto"), cluster, listener).start();

        assertEquals(List.of("a"), cluster.sentTo);
        assertNull(listener.finished);
        cluster.answers.get(0).finished(Map.of("processed", 1L), null);
        Map<?, ?> gone = (Map<?, ?>) ((List<?>) listener.finished.fields().get("slices")).get(1);
        assertEquals("failed", gone.get("state"));
        assertEquals(SlicedProjectionProgress.failure("gone", true, null), gone.get("reason"));
    }

    @Test
    void withoutANodeThatHasTheModelsNothingIsSent() {
        FakeCluster cluster = new FakeCluster("a");
        cluster.described.put("a", Map.of("models", List.of(Map.of("id", "other"))));
        Recorder listener = new Recorder();
        new SlicedIndexProjectionJob(ProjectIndexApi.job(BODY, false, "2"), cluster, listener).start();

        assertTrue(cluster.sentTo.isEmpty());
        assertNull(listener.started);
        IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, listener.failure);
        assertTrue(e.getMessage().startsWith("[slices] no node of the cluster has every model the job needs [enc]"), e.getMessage());

        FakeCluster unreachable = new FakeCluster("a");
        unreachable.describeFailure = new IllegalStateException("no answer");
        Recorder failed = new Recorder();
        new SlicedIndexProjectionJob(ProjectIndexApi.job(BODY, false, "2"), unreachable, failed).start();
        assertEquals(unreachable.describeFailure, failed.failure);
    }

    /** A cluster that answers at once and keeps the slices it is asked to send. */
    private static final class FakeCluster implements SlicedIndexProjectionJob.Cluster {
        final String local;
        final Map<String, Map<String, Object>> described = new LinkedHashMap<>();
        final Set<String> left = new java.util.HashSet<>();
        final List<String> sentTo = new ArrayList<>();
        final List<IndexProjectionJobRequest> sent = new ArrayList<>();
        final List<SlicedIndexProjectionJob.SliceAnswer> answers = new ArrayList<>();
        Exception describeFailure;

        FakeCluster(String local) {
            this.local = local;
        }

        @Override
        public void describeNodes(Consumer<Map<String, Map<String, Object>>> onDescribed, Consumer<Exception> failed) {
            if (describeFailure != null) {
                failed.accept(describeFailure);
            } else {
                onDescribed.accept(described);
            }
        }

        @Override
        public String localNode() {
            return local;
        }

        @Override
        public boolean sendSlice(String nodeId, IndexProjectionJobRequest slice, SlicedIndexProjectionJob.SliceAnswer answer) {
            if (left.contains(nodeId)) {
                return false;
            }
            sentTo.add(nodeId);
            sent.add(slice);
            answers.add(answer);
            return true;
        }
    }

    private static final class Recorder implements SlicedIndexProjectionJob.Listener {
        SlicedProjectionProgress started;
        SlicedProjectionProgress finished;
        Exception failure;

        @Override
        public void started(SlicedProjectionProgress progress) {
            started = progress;
        }

        @Override
        public void finished(SlicedProjectionProgress progress, long tookMillis) {
            assertTrue(tookMillis >= 0);
            finished = progress;
        }

        @Override
        public void failed(Exception e) {
            failure = e;
        }
    }
}
