package org.polyspan.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A REST endpoint without an engine: its name, its routes below the engine's prefix ({@code _plugins/polyspan} on
 * OpenSearch, {@code _polyspan} on Elasticsearch) and its answer. Each engine serves every endpoint with one handler
 * type, so what an endpoint reads and answers is written once, here.
 */
public abstract class Endpoint {
    /** An HTTP method and a path below the engine's prefix, e.g. {@code GET /stats}. */
    public record Route(String method, String path) {}

    /**
     * What an endpoint reads of a call: its query and path parameters ({@code null} when absent), its JSON body and the
     * id of the node that received it; the engine's request type stands behind it.
     */
    public record Call(UnaryOperator<String> params, BodyReader bodyReader, String localNodeId) {
        public String param(String name) {
            return params.apply(name);
        }

        /** The JSON body as a map; {@code null} when there is none. */
        public Map<String, Object> body() throws IOException {
            return bodyReader.read();
        }
    }

    /** Reads a call's JSON body with the engine's parser. */
    public interface BodyReader {
        Map<String, Object> read() throws IOException;
    }

    /**
     * An answer known on the network thread ({@code now}), or {@code work} that loads models or runs inference and so
     * goes to the {@link PluginPools#INFERENCE} pool; {@code onRejected} counts a call that pool's full queue turned
     * away, and {@code what} names the call in the rejection.
     */
    public record Answer(Reply now, String what, Supplier<Reply> work, Runnable onRejected) {
        public static Answer now(Reply reply) {
            return new Answer(reply, null, null, null);
        }

        public static Answer onInferencePool(String what, Supplier<Reply> work, Runnable onRejected) {
            return new Answer(null, what, work, onRejected);
        }

        /**
         * Sends the answer: at once, or once its work has run on {@code inferencePool}. When that pool's queue is full
         * the rejection is counted and handed to {@code rejected} with the message to answer it with, so that the
         * engine answers its own 429. Work that throws is answered 500, never left without an answer.
         */
        public void send(Executor inferencePool, Consumer<Reply> send, BiConsumer<String, RejectedExecutionException> rejected) {
            if (work == null) {
                send.accept(now);
                return;
            }
            try {
                inferencePool.execute(() -> {
                    Reply reply;
                    try {
                        reply = work.get();
                    } catch (Throwable t) {
                        Exception e = Inference.asException(what + " failed", t); // fatal JVM errors propagate
                        reply = Reply.error(500, null, what + " failed: " + e.getMessage());
                    }
                    try {
                        send.accept(reply);
                    } catch (RuntimeException e) {
                        // the answer could not be written (a value the engine's builder refuses): say so, once
                        send.accept(Reply.error(500, null, "could not write the answer to " + what + ": " + e.getMessage()));
                    }
                });
            } catch (RejectedExecutionException e) {
                onRejected.run();
                rejected.accept("rejected " + what + ": " + PluginPools.inferenceQueueFull(), e);
            }
        }
    }

    private final String name;
    private final List<Route> routes;

    protected Endpoint(String name, Route... routes) {
        this.name = name;
        this.routes = List.of(routes);
    }

    /** The name the engine lists the handler under. */
    public final String name() {
        return name;
    }

    public final List<Route> routes() {
        return routes;
    }

    /** Runs on the network thread: reads and checks the call, never loads a model or runs inference. */
    public abstract Answer answer(Call call) throws IOException;
}
