package org.polyspan.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where ONNX Runtime sessions are made, so that every model of a process shares one CPU budget.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>Global pool</b> ({@link #useGlobalThreadPool}, what the OpenSearch plugin does at node start): the
 *       environment is created with one global intra-op pool of {@code n} threads, without spinning, and every session
 *       runs with {@code disablePerSessionThreads()}. However many models are loaded, ONNX Runtime owns at most
 *       {@code n - 1} worker threads of its own, plus the threads that call {@code run}.</li>
 *   <li><b>Per-session threads</b> (the default, for the command-line tools and the unit tests): each session gets
 *       {@code threads} intra-op threads ({@code 0}: ONNX Runtime's default, one per core).</li>
 * </ul>
 * The mode must be chosen before the first session: ONNX Runtime creates its environment, and with it the global pool,
 * only once per process.
 */
public final class OnnxSessions {
    private static final String NAME = "polyspan";
    /** Guarded by the class lock. */
    private static OrtEnvironment environment;
    /** 0: per-session threads. Guarded by the class lock. */
    private static int globalIntraOpThreads;
    /** Sessions {@link #open} made and {@link #close} has not closed: what a failed load must give back. */
    private static final Set<OrtSession> OPEN = ConcurrentHashMap.newKeySet();

    private OnnxSessions() {}

    /**
     * Makes every later session share one global intra-op pool of {@code intraOpThreads} threads (spinning off, one
     * inter-op thread). Nothing native is loaded yet: the environment is created with the first session.
     *
     * @return false, changing nothing, when the environment already exists (sessions were made before)
     */
    public static synchronized boolean useGlobalThreadPool(int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
        }
        if (environment != null) {
            return globalIntraOpThreads == intraOpThreads;
        }
        globalIntraOpThreads = intraOpThreads;
        return true;
    }

    /** The global pool's intra-op threads, or 0 when sessions have their own threads. */
    public static synchronized int globalIntraOpThreads() {
        return globalIntraOpThreads;
    }

    /** The process's ONNX Runtime environment, created on first use in the chosen mode. */
    public static synchronized OrtEnvironment environment() {
        if (environment != null) {
            return environment;
        }
        if (globalIntraOpThreads == 0) {
            environment = OrtEnvironment.getEnvironment();
            return environment;
        }
        try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
            threading.setGlobalIntraOpNumThreads(globalIntraOpThreads);
            threading.setGlobalInterOpNumThreads(1);
            // idle ONNX Runtime threads block instead of spinning, so they leave the cores to indexing and search
            threading.setGlobalSpinControl(false);
            environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, NAME, threading);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot configure ONNX Runtime's global thread pool: " + e.getMessage(), e);
        }
        return environment;
    }

    /**
     * Options for a session: full graph optimisation, the mode's threading, the CUDA provider when asked, and ONNX
     * Runtime's exact int8 path on CPUs whose default int8 kernels saturate ({@link Int8Precision}).
     *
     * @param threads per-session intra-op threads (0: ONNX Runtime's default); ignored with the global pool
     */
    public static OrtSession.SessionOptions options(boolean cuda, int threads) throws OrtException {
        OrtSession.SessionOptions options = baseOptions(cuda, threads);
        try {
            if (Int8Precision.get().exactPathOn()) {
                // int8 models compute exactly on this CPU only through ONNX Runtime's U8U8 kernels (see Int8Precision)
                options.addConfigEntry(Int8Precision.ORT_EXACT_PATH_KEY, "1");
            }
            return options;
        } catch (OrtException | RuntimeException | Error e) {
            options.close();
            throw e;
        }
    }

    /** {@link #options} without the int8 precision decision: for {@link Int8KernelProbe}, which informs it. */
    static OrtSession.SessionOptions baseOptions(boolean cuda, int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (globalIntraOpThreads() > 0) {
                options.disablePerSessionThreads();
            } else {
                if (threads > 0) {
                    options.setIntraOpNumThreads(threads);
                }
                options.setInterOpNumThreads(1);
            }
            if (cuda) {
                try {
                    options.addCUDA(0);
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    throw new IllegalStateException("device [cuda] was requested but the CUDA execution provider is not "
                            + "available (install the onnxruntime_gpu build and a CUDA driver): " + e.getMessage(), e);
                }
            }
            return options;
        } catch (OrtException | RuntimeException | Error e) {
            options.close();
            throw e;
        }
    }

    /** A session for {@code file} with {@code options} from {@link #options}. */
    public static OrtSession open(Path file, OrtSession.SessionOptions options) throws OrtException {
        OrtSession session = environment().createSession(file.toString(), options);
        OPEN.add(session);
        return session;
    }

    /** Closes a session from {@link #open}, so {@link #openSessions} no longer counts it. */
    public static void close(OrtSession session) throws OrtException {
        OPEN.remove(session);
        session.close();
    }

    /** Sessions opened by {@link #open} and not yet closed by {@link #close}, e.g. to see that loads free what they open. */
    public static int openSessions() {
        return OPEN.size();
    }
}
