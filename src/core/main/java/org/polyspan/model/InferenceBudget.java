package org.polyspan.model;

/**
 * How a node's cores are split between inference calls running side by side ({@code poolThreads}, the threads of the
 * inference pool) and the threads ONNX Runtime gives each call ({@code intraOpThreads}, its global intra-op pool).
 * {@code poolThreads × intraOpThreads} never exceeds the node's allocated processors, so inference cannot oversubscribe
 * the CPU however many models and requests there are.
 *
 * <p>Defaults for {@code p} processors: {@code max(1, p / 2)} pool threads, and as many intra-op threads as fit, so
 * 1×1 on 1 core, 1×2 on 2, 2×2 on 4, 4×2 on 8, 8×2 on 16.
 */
public record InferenceBudget(int processors, int poolThreads, int intraOpThreads) {

    public InferenceBudget {
        if (processors < 1 || poolThreads < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("processors, pool threads and intra-op threads must be positive");
        }
    }

    /** The default number of inference pool threads for {@code processors} allocated processors. */
    public static int defaultPoolThreads(int processors) {
        return Math.max(1, processors / 2);
    }

    /**
     * The budget for {@code processors}, with {@code poolThreads} inference threads and {@code intraOpThreads}
     * intra-op threads ({@code 0}: as many as fit).
     *
     * @throws IllegalArgumentException when the two multiplied exceed the processors; the message names the settings
     */
    public static InferenceBudget of(int processors, int poolThreads, int intraOpThreads, String poolSetting, String intraOpSetting) {
        if (poolThreads < 1) {
            throw new IllegalArgumentException("[" + poolSetting + "] must be at least 1, got " + poolThreads);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("[" + intraOpSetting + "] must be 0 (automatic) or positive, got " + intraOpThreads);
        }
        if (poolThreads > processors) {
            throw new IllegalArgumentException("[" + poolSetting + "] is " + poolThreads + " but the node has " + processors
                    + " allocated processors; inference threads beyond the processors only queue for the CPU");
        }
        int intra = intraOpThreads == 0 ? Math.max(1, processors / poolThreads) : intraOpThreads;
        if ((long) poolThreads * intra > processors) {
            throw new IllegalArgumentException("[" + poolSetting + "] (" + poolThreads + ") x [" + intraOpSetting + "] (" + intra
                    + ") = " + (poolThreads * intra) + " exceeds the node's " + processors + " allocated processors; lower one of them"
                    + " or leave [" + intraOpSetting + "] at 0");
        }
        return new InferenceBudget(processors, poolThreads, intra);
    }
}
