package org.polyspan.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.polyspan.TinyModelRepository;
import org.polyspan.TinyModels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The path of a {@code _project/index} request to its task, with an engine that records what it was asked. */
class ProjectIndexStartTest {
    @RegisterExtension
    static final TinyModelRepository MODELS = new TinyModelRepository();

    /** Records each step; the source index exists unless named {@code missing}. */
    private static final class RecordingEngine implements ProjectIndexStart.Engine {
        final List<String> steps = new ArrayList<>();
        final List<Reply> sent = new ArrayList<>();
        final List<Exception> failed = new ArrayList<>();
        Executor projectPool = Runnable::run;
        RuntimeException badQuery;
        Error runFails;

        @Override
        public void parseQuery(Map<String, Object> query) {
            steps.add("parseQuery");
            if (badQuery != null) {
                throw badQuery;
            }
        }

        @Override
        public void indexExists(String index, Consumer<Boolean> exists, Consumer<Exception> failed) {
            steps.add("indexExists " + index);
            exists.accept(!"missing".equals(index));
        }

        @Override
        public Executor projectPool() {
            return projectPool;
        }

        @Override
        public void runAndWait(IndexProjectionJobRequest job, Consumer<Map<String, Object>> answer, Consumer<Exception> failed) {
            steps.add("runAndWait storeResult=" + job.storeResult());
            if (runFails != null) {
                throw runFails;
            }
            answer.accept(Map.of("processed", 3));
        }

        @Override
        public ProjectIndexStart.StartedTask startInBackground(IndexProjectionJobRequest job) {
            steps.add("startInBackground storeResult=" + job.storeResult());
            return new ProjectIndexStart.StartedTask("node-1", 7);
        }

        @Override
        public void send(Reply reply) {
            sent.add(reply);
        }

        @Override
        public void fail(Exception e) {
            failed.add(e);
        }

        int answers() {
            return sent.size() + failed.size();
        }
    }

    private static Map<String, Object> body(String source, String model) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("source_index", source, "dest_index", "dst", "text_field", "body",
                "spans_field", "spans", "target_text_field", "body_es", "model", model));
        body.put("query", Map.of("match_all", Map.of()));
        return body;
    }

    private static final ProjectIndexStart START = new ProjectIndexStart(null, null, e -> e);

    private static ProjectIndexStart start() {
        return new ProjectIndexStart(MODELS.get(), null, e -> new IllegalStateException("with status", e));
    }

    @Test
    void aJobWaitedForRunsAndAnswersItsCounts() {
        RecordingEngine engine = new RecordingEngine();
        start().handle(body("src", TinyModels.HEADS), true, null, engine);
        assertEquals(List.of("parseQuery", "indexExists src", "runAndWait storeResult=false"), engine.steps);
        assertEquals(List.of(Reply.json(200, Map.of("processed", 3))), engine.sent);
        assertEquals(1, engine.answers());
    }

    @Test
    void aJobNotWaitedForStartsATaskThatStoresItsResult() {
        RecordingEngine engine = new RecordingEngine();
        start().handle(body("src", TinyModels.HEADS), false, null, engine);
        assertEquals(List.of("parseQuery", "indexExists src", "startInBackground storeResult=true"), engine.steps);
        assertEquals(List.of(ProjectIndexApi.started("node-1", 7)), engine.sent);
    }

    @Test
    void badInputIsA400BeforeAnythingStarts() {
        RecordingEngine engine = new RecordingEngine();
        Map<String, Object> noSource = body("src", TinyModels.HEADS);
        noSource.remove("source_index");
        START.handle(noSource, false, null, engine);
        assertEquals(List.of(), engine.steps, "nothing asked of the engine");
        assertEquals(400, engine.sent.get(0).status());

        engine = new RecordingEngine();
        START.handle(null, false, null, engine);
        assertEquals("body", ((Map<?, ?>) engine.sent.get(0).json().get("error")).get("field"), "no body");

        engine = new RecordingEngine();
        START.handle(body("src", TinyModels.HEADS), false, "0", engine);
        assertEquals(400, engine.sent.get(0).status(), "slices=0");

        engine = new RecordingEngine();
        engine.badQuery = new IllegalArgumentException("unknown query [nope]");
        START.handle(body("src", TinyModels.HEADS), false, null, engine);
        assertEquals(List.of("parseQuery"), engine.steps);
        Map<?, ?> error = (Map<?, ?>) engine.sent.get(0).json().get("error");
        assertEquals("query", error.get("field"));
        assertTrue(((String) error.get("reason")).contains("is not a valid query: unknown query [nope]"), error::toString);

        engine = new RecordingEngine();
        START.handle(body("missing", TinyModels.HEADS), false, null, engine);
        assertEquals(List.of(ProjectIndexApi.missingSource("missing")), engine.sent);

        engine = new RecordingEngine();
        start().handle(body("src", "no-such-model"), false, null, engine);
        assertEquals(List.of("parseQuery", "indexExists src"), engine.steps, "no task for an unknown model");
        assertEquals(400, engine.sent.get(0).status());
        assertEquals("model", ((Map<?, ?>) engine.sent.get(0).json().get("error")).get("field"));
    }

    @Test
    void aFullProjectPoolIsTheEnginesRejection() {
        RecordingEngine engine = new RecordingEngine();
        RejectedExecutionException full = new RejectedExecutionException("queue full");
        engine.projectPool = r -> {
            throw full;
        };
        start().handle(body("src", TinyModels.HEADS), false, null, engine);
        assertEquals(List.of(full), engine.failed);
        assertEquals(List.of(), engine.sent);
    }

    @Test
    void aFailureIsAnsweredWithTheEnginesStatusAndAFatalErrorPropagates() {
        RecordingEngine engine = new RecordingEngine();
        engine.runFails = new StackOverflowError();
        start().handle(body("src", TinyModels.HEADS), true, null, engine);
        assertEquals(1, engine.failed.size());
        assertEquals("with status", engine.failed.get(0).getMessage());
        assertTrue(engine.failed.get(0).getCause().getCause() instanceof StackOverflowError);

        RecordingEngine fatal = new RecordingEngine();
        OutOfMemoryError oom = new OutOfMemoryError("scripted");
        fatal.runFails = oom;
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> start().handle(body("src", TinyModels.HEADS), true, null, fatal)));
    }
}
