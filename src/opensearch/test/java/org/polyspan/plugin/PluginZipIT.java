package org.polyspan.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a node installs: the plugin zip built by this module's package phase. It must stay small, carry native
 * libraries for its one target platform only, and carry no command-line tools.
 */
class PluginZipIT {
    private static final long MAX_BYTES = 30L * 1024 * 1024;
    private static Path zip;
    private static String platform;

    @BeforeAll
    static void locate() {
        zip = Path.of(System.getProperty("polyspan.plugin.zip"));
        platform = System.getProperty("polyspan.platform");
        assertTrue(Files.isRegularFile(zip), "no plugin zip at " + zip + " (built by mvn package)");
    }

    @Test
    void zipIsSmall() throws IOException {
        long size = Files.size(zip);
        assertTrue(size <= MAX_BYTES, zip + " is " + size + " bytes, more than " + MAX_BYTES);
    }

    @Test
    void nativeLibrariesAreForTheTargetPlatformOnly() throws IOException {
        List<String> natives = new ArrayList<>();
        forEachJarEntry((jar, entry) -> {
            if (isNativeLibrary(entry)) {
                natives.add(jar + "!" + entry);
            }
        });
        // ONNX Runtime, the tokenizers and SentencePiece each bring one library for the platform
        assertTrue(natives.size() >= 3, "expected the native libraries of ONNX Runtime, tokenizers and SentencePiece: " + natives);
        List<String> foreign = natives.stream().filter(n -> !isFor(n, platform)).toList();
        assertEquals(List.of(), foreign, "native libraries for other platforms than " + platform);
    }

    @Test
    void nativeLoadersKeepTheirDescriptors() throws IOException {
        // DJL's loaders read these to find the library of the running platform; without them loading fails
        List<String> entries = new ArrayList<>();
        forEachJarEntry((jar, entry) -> entries.add(entry));
        assertTrue(entries.contains("native/lib/tokenizers.properties"), "tokenizers.properties missing");
        assertTrue(entries.contains("native/lib/sentencepiece.properties"), "sentencepiece.properties missing");
        assertTrue(entries.contains("ai/onnxruntime/native/" + platform.replace("x86_64", "x64").replace("windows", "win")
            + "/libonnxruntime4j_jni.so") || !platform.startsWith("linux"), "ONNX Runtime's JNI library missing");
    }

    @Test
    void noCommandLineToolsOnTheNode() throws IOException {
        List<String> tools = new ArrayList<>();
        forEachJarEntry((jar, entry) -> {
            if (entry.startsWith("org/polyspan/tools/") || entry.startsWith("org/polyspan/eval/")) {
                tools.add(jar + "!" + entry);
            }
        });
        assertEquals(List.of(), tools);
    }

    @Test
    void descriptorNamesThePluginClass() throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            ZipEntry entry = file.getEntry("plugin-descriptor.properties");
            Properties descriptor = new Properties();
            try (InputStream in = file.getInputStream(entry)) {
                descriptor.load(in);
            }
            assertEquals(PolyspanPlugin.class.getName(), descriptor.getProperty("classname"));
            assertEquals("polyspan", descriptor.getProperty("name"));
        }
    }

    private static boolean isNativeLibrary(String entry) {
        return entry.endsWith(".so") || entry.endsWith(".dylib") || entry.endsWith(".dll") || entry.contains(".dSYM/");
    }

    // ONNX Runtime names platforms linux-x64 / win-x64, DJL linux-x86_64 / win-x86_64
    private static boolean isFor(String path, String platform) {
        String ort = platform.replace("x86_64", "x64").replace("windows", "win");
        String djl = platform.replace("windows", "win");
        return path.contains("/native/" + ort + "/") || path.contains("/lib/" + djl + "/");
    }

    private interface EntryVisitor {
        void visit(String jar, String entry);
    }

    private static void forEachJarEntry(EntryVisitor visitor) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry jarEntry = entries.nextElement();
                if (!jarEntry.getName().endsWith(".jar")) {
                    continue;
                }
                try (ZipInputStream jar = new ZipInputStream(file.getInputStream(jarEntry))) {
                    for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
                        visitor.visit(jarEntry.getName(), entry.getName());
                    }
                }
            }
        }
    }
}
