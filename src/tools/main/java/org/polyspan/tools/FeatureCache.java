package org.polyspan.tools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Encoded words of one training file on disk, so that trying other weights, filters or learning rates does not encode
 * the same sentences again (the encoder is most of a head's training time). An entry is keyed by the model's files
 * (name, size, modification time), the data file's and the sentences chosen from it, so a rebuilt model or an edited
 * file is encoded afresh. Rows are stored as float16, as they are held in memory.
 */
final class FeatureCache {
    private static final int MAGIC = 0x50534643; // "PSFC"
    private final Path dir;
    private final String modelKey;

    FeatureCache(Path dir, Path modelDir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        StringBuilder key = new StringBuilder(modelDir.toAbsolutePath().normalize().toString());
        try (Stream<Path> files = Files.list(modelDir)) {
            // self_check.json is rewritten whenever a head is written into the model: it does not change the encoding
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals(org.polyspan.model.SelfCheckReference.FILE)).sorted().toList()) {
                key.append('|').append(f.getFileName()).append(':').append(Files.size(f)).append(':').append(Files.getLastModifiedTime(f).toMillis());
            }
        }
        this.modelKey = key.toString();
    }

    /** The entry of {@code file}'s sentences {@code chosen} (their indices in the file, in order). */
    Path entry(Path file, List<Integer> chosen) throws IOException {
        String key = modelKey + "|" + file.toAbsolutePath().normalize() + ":" + Files.size(file) + ":"
                + Files.getLastModifiedTime(file).toMillis() + "|" + chosen.hashCode() + ":" + chosen.size();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return dir.resolve(file.getFileName() + "-" + HexFormat.of().formatHex(digest, 0, 8) + ".f16");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows and sentence starts stored at {@code entry}, or null when there is none. */
    static Rows read(Path entry) throws IOException {
        if (!Files.isRegularFile(entry)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(entry), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(entry + " is not a feature cache entry");
            }
            int words = in.readInt();
            int dim = in.readInt();
            int sentences = in.readInt();
            int[] start = new int[sentences + 1];
            for (int i = 0; i < start.length; i++) {
                start[i] = in.readInt();
            }
            short[][] raw = new short[words][dim];
            byte[] row = new byte[2 * dim];
            for (short[] r : raw) {
                in.readFully(row);
                for (int d = 0; d < dim; d++) {
                    r[d] = (short) ((row[2 * d] & 0xff) << 8 | (row[2 * d + 1] & 0xff));
                }
            }
            return new Rows(raw, start);
        }
    }

    /** Writes the entry through a temporary file, so an interrupted run leaves no half entry behind. */
    static void write(Path entry, Rows rows) throws IOException {
        Path tmp = entry.resolveSibling(entry.getFileName() + ".partial");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(rows.raw().length);
            out.writeInt(rows.raw().length == 0 ? 0 : rows.raw()[0].length);
            out.writeInt(rows.sentenceStart().length - 1);
            for (int s : rows.sentenceStart()) {
                out.writeInt(s);
            }
            for (short[] r : rows.raw()) {
                for (short v : r) {
                    out.writeShort(v);
                }
            }
        }
        Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** float16 rows, one per word, and where each sentence's words start (plus the total). */
    record Rows(short[][] raw, int[] sentenceStart) {}
}
