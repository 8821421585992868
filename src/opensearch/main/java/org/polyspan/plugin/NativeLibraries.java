package org.polyspan.plugin;

import java.nio.file.Path;

/**
 * Settings the tokenizer library reads before it loads its native code: never phone home, never download, unpack
 * into a directory of this node.
 */
final class NativeLibraries {
    private NativeLibraries() {}

    static void configure() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "polyspan-native").toString());
        }
    }
}
