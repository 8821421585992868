package org.polyspan.plugin;

import java.nio.file.Path;

/**
 * Where native libraries unpack, set before any of them loads (the plugin's constructor): under the node's temporary
 * directory ({@code java.io.tmpdir}, which OpenSearch points at {@code OPENSEARCH_TMPDIR}), the only place the plugin's
 * security policy lets it write.
 * <ul>
 *   <li>DJL's Hugging Face tokenizer and SentencePiece libraries go to {@code <tmpdir>/polyspan-native/<engine>/}
 *       ({@code ENGINE_CACHE_DIR}, and {@code DJL_CACHE_DIR} for anything else DJL caches; otherwise it would write
 *       under the user's home). DJL reads environment variables of the same names first: leave them unset on a node.</li>
 *   <li>ONNX Runtime has no such property: it unpacks into a fresh {@code <tmpdir>/onnxruntime-java*} directory that it
 *       deletes when the JVM exits.</li>
 * </ul>
 * DJL is also told never to phone home and never to download.
 */
final class NativeLibraries {
    static final String DIRECTORY = "polyspan-native";

    private NativeLibraries() {}

    static void configure() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        String dir = directory().toString();
        System.setProperty("DJL_CACHE_DIR", dir);
        System.setProperty("ENGINE_CACHE_DIR", dir);
    }

    static Path directory() {
        return Path.of(System.getProperty("java.io.tmpdir"), DIRECTORY).toAbsolutePath();
    }
}
