package org.polyspan.model;

import org.polyspan.onnx.CpuFeatures;
import org.polyspan.onnx.Int8Precision;
import org.polyspan.onnx.ModelLayout;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.translation.TranslationModel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The models of a directory, one sub-directory per model id, and their lifecycle on this node.
 * <ul>
 *   <li>Callers {@link #lease} a model for each use and close the lease after; a copy is closed only when it is out of
 *       service and its last lease is released, so {@link #reload} and {@link #unload} never close a model that is
 *       running.</li>
 *   <li>Loads run on the load executor. A caller that needs a model not yet loaded starts its load and waits for it at
 *       most {@code loadWait}, then gets a {@link ModelNotReadyException} (retryable).</li>
 *   <li>{@link #reload} loads the new copy first and swaps it in atomically; if the load fails, the old copy stays in
 *       service. {@link #unload} takes the copy out of service; the next caller loads it again.</li>
 *   <li>A load that would take the loaded models over {@code maxBytes} fails with {@link ModelMemoryLimitException};
 *       nothing is evicted.</li>
 *   <li>A failed load is reported with its error and tried again by the next caller, so fixing the files needs no
 *       restart.</li>
 * </ul>
 */
public final class ModelRepository implements AutoCloseable {
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Outside a node (tools, tests) loads run on the caller's thread and callers wait for them. */
    private static final Duration NO_WAIT_LIMIT = Duration.ofDays(1);

    private final Path root;
    private final OnnxWindowEncoder.Device device;
    private final int threads;
    private final Executor loadExecutor;
    private final Duration loadWait;
    private final MemoryBudget budget;
    private final String nodeName;
    private final Map<String, ModelSlot> slots = new ConcurrentHashMap<>();
    /** Checks a loaded labelling model before it serves; replaced only by tests. */
    private final java.util.function.Function<LabelingModel, SelfCheckResult> selfCheck;
    /** Set by {@link #close}: no load starts after it, and a copy a load in flight produces is closed, not installed. */
    private volatile boolean closed;
    /** Whether {@link #runtime} has asked the load executor to decide the int8 path. */
    private final java.util.concurrent.atomic.AtomicBoolean int8DecisionStarted = new java.util.concurrent.atomic.AtomicBoolean();

    /** A repository that loads on the caller's thread, without a memory limit. */
    public ModelRepository(Path root, OnnxWindowEncoder.Device device, int threads) {
        this(root, device, threads, Runnable::run, NO_WAIT_LIMIT, MemoryBudget.UNLIMITED, "local");
    }

    /** As the full constructor, for a process that is not a node (tools, tests): errors name node [local]. */
    public ModelRepository(Path root, OnnxWindowEncoder.Device device, int threads, Executor loadExecutor, Duration loadWait,
                           long maxBytes) {
        this(root, device, threads, loadExecutor, loadWait, maxBytes, "local");
    }

    /**
     * @param loadExecutor runs the loads; never a thread that must not block (network, cluster state)
     * @param loadWait     how long a caller waits for a load in flight before a {@link ModelNotReadyException}
     * @param maxBytes     limit on the bytes of loaded copies (see {@link ModelFiles#bytes()}), {@code -1} for none
     * @param nodeName     the node's name, for errors that must say which node refused a model
     */
    public ModelRepository(Path root, OnnxWindowEncoder.Device device, int threads, Executor loadExecutor, Duration loadWait,
                           long maxBytes, String nodeName) {
        this(root, device, threads, loadExecutor, loadWait, maxBytes, nodeName, ModelSelfCheck::run);
    }

    /** As the full constructor, with the check a loaded labelling model must pass before it serves. */
    ModelRepository(Path root, OnnxWindowEncoder.Device device, int threads, Executor loadExecutor, Duration loadWait,
                    long maxBytes, String nodeName, java.util.function.Function<LabelingModel, SelfCheckResult> selfCheck) {
        this.selfCheck = selfCheck;
        this.root = root;
        this.nodeName = nodeName;
        this.device = device;
        this.threads = threads;
        this.loadExecutor = loadExecutor;
        this.loadWait = loadWait;
        this.budget = new MemoryBudget(maxBytes);
    }

    public Path root() {
        return root;
    }

    public boolean exists(String id) {
        return VALID_ID.matcher(id).matches() && Files.isRegularFile(root.resolve(id).resolve("config.json"));
    }

    public List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String id = d.getFileName().toString();
                if (exists(id)) {
                    ids.add(id);
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** The model's files, read and checked without loading; unknown ids are an {@link IllegalArgumentException}. */
    public ModelFiles files(String id) throws ModelFilesException {
        if (!exists(id)) {
            throw new IllegalArgumentException(unknownModelMessage(id));
        }
        return ModelFiles.read(id, root.resolve(id));
    }

    /** A lease on the labelling (token-classification or text-to-text) model {@code id}, loading it if needed. */
    public ModelLease<LabelingModel> lease(String id) throws Exception {
        return lease(id, LabelingModel.class);
    }

    /** A lease on translation model {@code id} ({@code polyspan.layout = translation}), loading it if needed. */
    public ModelLease<TranslationModel> leaseTranslation(String id) throws Exception {
        return lease(id, TranslationModel.class);
    }

    /** Whether the model directory holds a translation model (read from its config; nothing is loaded). */
    public boolean isTranslation(String id) {
        try {
            return exists(id) && ModelLayout.read(root.resolve(id)) == ModelLayout.TRANSLATION;
        } catch (IOException | RuntimeException e) {
            return false; // an unreadable config fails where the model is loaded, with its own message
        }
    }

    private <M> ModelLease<M> lease(String id, Class<M> type) throws Exception {
        ModelSlot slot = slot(id);
        long deadline = System.nanoTime() + loadWait.toNanos();
        while (true) {
            SharedModel copy = slot.current;
            if (copy == null) {
                checkKind(id, type); // before loading a model of the wrong kind
                slot.throwIfCheckFailed(); // the same files fail the same check: no load per document
                await(slot, load(slot, false), deadline);
                continue;
            }
            if (!type.isInstance(copy.model())) {
                throw new IllegalArgumentException(wrongKind(id, type));
            }
            ModelLease<M> lease = copy.tryLease(type);
            if (lease != null) {
                return lease;
            }
            // closed between the read and the lease: a reload or unload took it out of service; look again
        }
    }

    /** Starts loading the model in the background unless it is loaded or loading; returns the load. */
    public CompletableFuture<?> loadInBackground(String id) {
        ModelSlot slot = slot(id);
        try {
            slot.throwIfCheckFailed();
        } catch (ModelCheckFailedException e) {
            return CompletableFuture.failedFuture(e);
        }
        return load(slot, false);
    }

    /**
     * Loads the model's files again (e.g. after a new head was copied in) and swaps the new copy in; callers holding a
     * lease on the old copy finish on it, and it is closed when they release it. If the load fails the old copy stays
     * in service and the exception says why. Waits for the load at most ten load waits, then answers a
     * {@link ModelNotReadyException} while the load goes on; do not call on a thread that must not block.
     */
    public Map<String, Object> reload(String id) throws Exception {
        if (!exists(id) && isLoaded(id)) {
            throw new IllegalArgumentException("model [" + id + "] cannot be reloaded: its directory " + root.resolve(id)
                    + " was removed; the loaded copy stays in service until it is unloaded");
        }
        ModelSlot slot = slot(id);
        waitFor(load(slot, true), System.nanoTime() + changeWait().toNanos(), "model [" + id + "] is still reloading on this "
                + "node; the new copy goes into service when it is loaded (the models API shows its state)");
        return status(id);
    }

    /**
     * Takes the model out of service: its native resources are freed now, or when the last open lease is released.
     * A load in flight is waited for (at most ten load waits, then a {@link ModelNotReadyException}) and then unloaded
     * too. The next caller that needs the model loads it again.
     * Returns the model's status afterwards.
     */
    public Map<String, Object> unload(String id) throws Exception {
        // a copy whose directory was removed since it loaded can still be unloaded: its memory must be freeable
        ModelSlot slot = !exists(id) && isLoaded(id) ? slots.get(id) : slot(id);
        CompletableFuture<SharedModel> pending;
        synchronized (slot) {
            pending = slot.loading;
        }
        if (pending != null) {
            try {
                pending.get(changeWait().toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new ModelNotReadyException("model [" + id + "] is still loading on this node; unload it again when it "
                        + "is loaded (the models API shows its state)");
            } catch (ExecutionException e) {
                // a failed load leaves nothing to unload
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // kept for the code that owns the thread; the unload did not happen
                throw e;
            }
        }
        SharedModel old = slot.remove();
        int leases = old == null ? 0 : old.leases();
        if (old != null) {
            old.retire();
        }
        Map<String, Object> status = status(id);
        status.put("was_loaded", old != null);
        status.put("leases_at_unload", leases);
        return status;
    }

    /** Whether this node has a copy of the model in service, even if its directory was removed since. */
    public boolean isLoaded(String id) {
        ModelSlot slot = slots.get(id);
        return slot != null && slot.current != null;
    }

    /** The slot of a model whose directory exists: what a load needs. */
    private ModelSlot slot(String id) {
        if (!exists(id)) {
            throw new IllegalArgumentException(unknownModelMessage(id));
        }
        return slots.computeIfAbsent(id, ModelSlot::new);
    }

    /**
     * The load in flight for {@code slot}, or a new one: when none is in flight and the slot has no copy in service,
     * or {@code replace} is set (a reload, which waits for a load in flight and then reads the files again, as that
     * load may have read them before they changed).
     */
    private CompletableFuture<SharedModel> load(ModelSlot slot, boolean replace) {
        CompletableFuture<SharedModel> started;
        if (closed) {
            return CompletableFuture.failedFuture(closedError(slot.id));
        }
        synchronized (slot) {
            if (slot.loading != null) {
                if (!replace) {
                    return slot.loading;
                }
                return slot.loading.handle((r, e) -> null).thenCompose(x -> load(slot, true));
            }
            if (!replace && slot.current != null) {
                return CompletableFuture.completedFuture(slot.current);
            }
            started = new CompletableFuture<>();
            slot.loading = started;
            if (slot.current == null) {
                slot.state = ModelState.LOADING;
            }
        }
        try {
            loadExecutor.execute(() -> runLoad(slot, started));
        } catch (RejectedExecutionException e) {
            ModelNotReadyException busy = new ModelNotReadyException("model [" + slot.id + "] cannot be loaded now: the load "
                    + "queue is full (" + e.getMessage() + "); retry later");
            slot.failed(busy.getMessage());
            started.completeExceptionally(busy);
        } catch (RuntimeException e) {
            // the load never runs: its future must still complete, or every caller would wait on it forever
            slot.failed("model [" + slot.id + "] could not be queued for loading: " + e);
            started.completeExceptionally(e);
        }
        return started;
    }

    private void runLoad(ModelSlot slot, CompletableFuture<SharedModel> done) {
        try {
            long t0 = System.nanoTime();
            ModelFiles files = files(slot.id);
            String signature = ModelSlot.signature(files.dir());
            Int8Precision.get(); // decided here, on the load executor, before the first session of the process
            budget.reserve(slot.id, files.bytes());
            AutoCloseable model = null;
            SelfCheckResult check = null;
            try {
                model = files.kind() == ModelFiles.Kind.TRANSLATION
                        ? TranslationModel.load(slot.id, files.dir(), device == OnnxWindowEncoder.Device.CUDA, threads)
                        : LabelingModel.load(slot.id, files.dir(), device, threads);
                if (model instanceof LabelingModel labeling) {
                    // before serving: a model that computes wrong answers on this node must fail, not label nothing
                    check = selfCheck.apply(labeling);
                    if (check.failed()) {
                        ModelCheckFailedException failure = new ModelCheckFailedException(slot.id, nodeName, check);
                        slot.checkFailed(failure, files.dir(), signature);
                        throw failure;
                    }
                }
            } catch (Throwable t) {
                // whatever failed after the model was built, its native memory goes back now: the next lease tries again
                if (model != null) {
                    try {
                        model.close();
                    } catch (Throwable closing) {
                        t.addSuppressed(closing);
                    }
                }
                budget.free(files.bytes());
                throw t;
            }
            final SelfCheckResult passed = check;
            SharedModel loaded = new SharedModel(slot.id, model, files.bytes(), (System.nanoTime() - t0) / 1_000_000, closed -> {
                budget.free(closed.bytes());
                slot.retired.remove(closed);
            });
            SharedModel old = null;
            boolean refused;
            synchronized (slot) {
                // checked under the slot's lock, which close() takes to empty the slot: a copy is installed before
                // close() empties it, or not at all
                refused = closed;
                if (refused) {
                    slot.failed(closedError(slot.id).getMessage());
                } else {
                    old = slot.install(loaded, passed);
                }
            }
            if (refused) {
                loaded.retire(); // nothing else would ever free it
                done.completeExceptionally(closedError(slot.id));
                return;
            }
            if (old != null) {
                old.retire();
            }
            done.complete(loaded);
        } catch (Throwable t) {
            slot.failed(String.valueOf(t.getMessage() == null ? t : t.getMessage()));
            done.completeExceptionally(t);
            if (isFatal(t)) {
                throw (Error) t; // the JVM's to handle, not ours
            }
        }
    }

    /** As the runtime's rule: the JVM's own errors but a stack overflow, which leaves the JVM usable. */
    private static boolean isFatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    private static void await(ModelSlot slot, CompletableFuture<SharedModel> load, long deadline) throws Exception {
        waitFor(load, deadline, "model [" + slot.id + "] is still loading on this node; retry when it is loaded "
                + "(the models API shows its state on every node)");
    }

    /**
     * Waits for {@code load} until {@code deadline} ({@link System#nanoTime()}); a load still running then is a
     * {@link ModelNotReadyException} with {@code stillLoading}, a failed load its exception.
     */
    /**
     * How long a reload or unload waits for a load in flight: longer than a document waits for its model (ten load
     * waits, 5 minutes by default), as an operator's call wants the outcome and a large model with its self-check may
     * take minutes on a busy node; bounded all the same, so that a load that hangs holds no thread for ever.
     */
    private Duration changeWait() {
        return loadWait.multipliedBy(10);
    }

    private static void waitFor(CompletableFuture<?> load, long deadline, String stillLoading) throws Exception {
        long left = deadline - System.nanoTime();
        try {
            load.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ModelNotReadyException(stillLoading);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            // callers catch exceptions wholesale: the flag keeps the interrupt for the code that owns the thread
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private static Exception unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
            return ex;
        }
        return new IllegalStateException("loading failed: " + cause, cause);
    }

    private void checkKind(String id, Class<?> type) throws IOException {
        boolean translation = ModelLayout.read(root.resolve(id)) == ModelLayout.TRANSLATION;
        if (translation != (type == TranslationModel.class)) {
            throw new IllegalArgumentException(wrongKind(id, type));
        }
    }

    private static String wrongKind(String id, Class<?> wanted) {
        return wanted == TranslationModel.class ? TranslationModel.notTranslation(id)
                : "model [" + id + "] is a translation model (polyspan.layout = translation): it labels no spans";
    }

    public String unknownModelMessage(String id) {
        return "unknown model [" + id + "]: no directory with a config.json at " + root.resolve(id)
                + " (models are searched in " + root + ")";
    }

    /**
     * What this node runs on: the CPU's architecture and the features that choose ONNX Runtime's kernels, and what its
     * int8 kernels compute and which path int8 models take ({@link Int8Precision}; {@code not_probed_yet} until the
     * decision, which the first model load or the first call here starts on the load executor, is made).
     */
    public Map<String, Object> runtime() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", nodeName);
        m.put("cpu", CpuFeatures.describe());
        m.put("device", device.name().toLowerCase(java.util.Locale.ROOT));
        Int8Precision precision = Int8Precision.ifDecided();
        if (precision == null && int8DecisionStarted.compareAndSet(false, true)) {
            try {
                loadExecutor.execute(Int8Precision::get);
            } catch (RejectedExecutionException e) {
                int8DecisionStarted.set(false); // the node is starting or its load queue is full: the next call tries again
            }
            precision = Int8Precision.ifDecided(); // a caller-runs executor has decided already
        }
        m.put("int8", precision == null ? Map.of("int8_kernels", "not_probed_yet") : precision.describe());
        return m;
    }

    /**
     * Per model this node has loaded or tried to: its state and the status of its self-check ({@code passed},
     * {@code failed} with the reason, or {@code absent}).
     */
    public Map<String, Object> selfChecks() {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (ModelSlot slot : slots.values()) {
            if (!exists(slot.id) && slot.current == null) {
                continue; // its directory was removed and nothing of it is loaded
            }
            Map<String, Object> m = new LinkedHashMap<>();
            synchronized (slot) {
                m.put("state", slot.state.label());
                if (slot.check != null) {
                    m.put("self_check", slot.check.status());
                }
                if (slot.checkFailure != null) {
                    m.put(slot.check == null ? "self_check" : "last_load_self_check", "failed");
                    m.put("reason", slot.checkFailure.result().reason());
                }
            }
            out.put(slot.id, m);
        }
        return out;
    }

    /** Bytes taken by loaded copies, including copies out of service that are still leased. */
    public long loadedBytes() {
        return budget.reserved();
    }

    /** The limit on {@link #loadedBytes()}, {@code -1} for none. */
    public long maxBytes() {
        return budget.limit();
    }

    /** One entry per model directory: what its files hold, then its state and figures on this node. */
    public List<Map<String, Object>> describe() throws IOException {
        java.util.SortedSet<String> ids = new java.util.TreeSet<>(ids());
        for (ModelSlot slot : slots.values()) {
            if (slot.current != null || !slot.retired.isEmpty()) {
                ids.add(slot.id); // loaded, though its directory may be gone: it still takes memory
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            out.add(status(id));
        }
        return out;
    }

    /**
     * The model's files (kind, heads and labels, maximum length, bytes) and this node's view: state, error, load time,
     * memory, open leases and, for a copy in service, usage figures since it was loaded.
     */
    public Map<String, Object> status(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        String filesError = null;
        try {
            ModelFiles files = files(id);
            m.put("task", files.kind().label());
            m.put("description", files.description());
            if (files.labels()) {
                m.put("max_length", files.maxLength());
                m.put("heads", files.heads());
            }
            m.put("file_bytes", files.bytes());
        } catch (IOException | RuntimeException e) {
            filesError = e.getMessage();
        }
        ModelSlot slot = slots.get(id);
        SharedModel copy;
        ModelState state;
        String error;
        boolean reloading;
        SelfCheckResult check;
        SelfCheckResult failedCheck;
        if (slot == null) {
            copy = null;
            state = ModelState.NOT_LOADED;
            error = null;
            reloading = false;
            check = null;
            failedCheck = null;
        } else {
            synchronized (slot) {
                copy = slot.current;
                state = slot.state;
                error = slot.error;
                reloading = slot.loading != null && copy != null;
                check = slot.check;
                failedCheck = slot.checkFailure == null ? null : slot.checkFailure.result();
            }
        }
        if (state == ModelState.NOT_LOADED && filesError != null) {
            state = ModelState.FAILED;
            error = filesError;
        } else if (filesError != null) {
            m.put("files_error", filesError); // e.g. the directory of a loaded copy was removed
        }
        m.put("state", state.label());
        if (error != null) {
            m.put("error", error);
        }
        if (reloading) {
            m.put("reloading", true);
        }
        if (check != null) {
            m.put("self_check", check.toMap());
        }
        if (failedCheck != null) {
            // the check of the last load, which failed; a copy still in service passed its own (above)
            m.put(check == null ? "self_check" : "failed_self_check", failedCheck.toMap());
        }
        if (copy != null) {
            m.put("load_time_ms", copy.loadMillis());
            m.put("loaded_at", copy.loadedAt());
            m.put("memory_bytes", copy.bytes());
            m.put("leases", copy.leases());
            if (copy.model() instanceof LabelingModel model) {
                m.put("inference_count", model.inferenceCount());
                m.put("mean_latency_ms", model.meanLatencyMillis());
                if (model.encoder() != null) {
                    m.put("projection_encoder", model.projectionEncoder());
                }
            } else if (copy.model() instanceof TranslationModel translation) {
                m.put("languages", translation.languages().codes());
            }
        }
        if (slot != null && !slot.retired.isEmpty()) {
            // copies taken out of service by a reload or unload that a caller still runs; closed when it is done
            m.put("retired_copies_in_use", slot.retired.size());
        }
        return m;
    }

    private IllegalStateException closedError(String id) {
        return new IllegalStateException("model [" + id + "] cannot be loaded: the model repository of node [" + nodeName
                + "] is closed");
    }

    /**
     * Takes every copy out of service and refuses loads from now on; leased copies close when their last lease is
     * released, and a copy a load in flight produces is closed as soon as it is built.
     */
    @Override
    public void close() {
        closed = true;
        for (ModelSlot slot : slots.values()) {
            SharedModel old = slot.remove();
            if (old != null) {
                old.retire();
            }
        }
    }
}
