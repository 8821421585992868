package org.polyspan.runtime;

import java.nio.file.Path;

/**
 * System properties the tokenizer library reads before it loads its native code: never phone home, never download,
 * unpack into a directory of this node ({@code polyspan-native} under the node's temporary directory).
 */
public final class NativeLibraries {
    /** The properties {@link #configure()} sets; an engine that guards property writes must allow exactly these. */
    public static final String[] PROPERTIES = {"OPT_OUT_TRACKING", "ai.djl.offline", "DJL_CACHE_DIR"};

    private NativeLibraries() {}

    public static void configure() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "polyspan-native").toString());
        }
    }
}
