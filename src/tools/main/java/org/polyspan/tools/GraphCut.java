package org.polyspan.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The other way to a truncated encoder, measured against {@code models/recipe/truncate.py}'s file: cutting
 * {@code encoder.onnx} in the JVM when the model loads. Reads the file (memory-mapped), keeps the nodes that the first
 * input of the Concat writing the features depends on and the initializers they read, and writes the cut model into a
 * direct buffer for {@code OrtEnvironment.createSession(ByteBuffer, ...)}. Kept records are copied byte for byte, so
 * the cut graph is the same as the recipe's but for names (its output keeps the tensor's name).
 *
 * <p>Only the protobuf wire format is read: ModelProto field 7 (graph); GraphProto fields 1 (node), 5 (initializer),
 * 12 (output), 13 (value_info); NodeProto fields 1 (input), 2 (output), 4 (op_type); TensorProto field 8 (name);
 * ValueInfoProto field 1 (name). Every other field is copied as it is.
 */
final class GraphCut {
    /** The cut model and the name of its output. */
    record Result(ByteBuffer model, String output, int keptNodes, int nodes) {}

    private record Field(int number, int wire, int start, int end, int valueStart) {}

    private GraphCut() {}

    /** Cuts {@code onnx} after block {@code block} of the output {@code featuresOutput} (a Concat of layer blocks). */
    static Result cut(Path onnx, String featuresOutput, int block) throws IOException {
        try (FileChannel ch = FileChannel.open(onnx, StandardOpenOption.READ)) {
            MappedByteBuffer model = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            List<Field> top = fields(model, 0, model.limit());
            Field graphField = top.stream().filter(f -> f.number() == 7).findFirst()
                    .orElseThrow(() -> new IOException(onnx + " has no graph"));
            List<Field> graph = fields(model, graphField.valueStart(), graphField.end());
            List<Field> nodes = new ArrayList<>();
            List<List<String>> inputs = new ArrayList<>();
            Map<String, Integer> producer = new HashMap<>();
            String block0 = null;
            for (Field f : graph) {
                if (f.number() != 1) {
                    continue;
                }
                List<String> in = new ArrayList<>();
                List<String> out = new ArrayList<>();
                String op = null;
                for (Field g : fields(model, f.valueStart(), f.end())) {
                    switch (g.number()) {
                        case 1 -> in.add(string(model, g));
                        case 2 -> out.add(string(model, g));
                        case 4 -> op = string(model, g);
                        default -> { }
                    }
                }
                for (String o : out) {
                    producer.put(o, nodes.size());
                }
                if ("Concat".equals(op) && out.contains(featuresOutput)) {
                    if (block >= in.size()) {
                        throw new IOException("the features have " + in.size() + " blocks, not " + (block + 1));
                    }
                    block0 = in.get(block);
                }
                nodes.add(f);
                inputs.add(in);
            }
            if (block0 == null) {
                throw new IOException("no Concat writes [" + featuresOutput + "] in " + onnx);
            }
            // the nodes the block depends on
            Set<Integer> kept = new HashSet<>();
            Set<String> seen = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(block0));
            while (!todo.isEmpty()) {
                String t = todo.pop();
                if (!seen.add(t)) {
                    continue;
                }
                Integer p = producer.get(t);
                if (p != null && kept.add(p)) {
                    todo.addAll(inputs.get(p));
                }
            }
            Set<String> read = new HashSet<>();
            for (int k : kept) {
                read.addAll(inputs.get(k));
            }
            // the graph: kept nodes and the initializers they read, the inputs, one output, everything else as it was
            List<Field> graphOut = new ArrayList<>();
            int nodeIndex = 0;
            for (Field f : graph) {
                switch (f.number()) {
                    case 1 -> {
                        if (kept.contains(nodeIndex)) {
                            graphOut.add(f);
                        }
                        nodeIndex++;
                    }
                    case 5 -> {
                        String name = null;
                        for (Field g : fields(model, f.valueStart(), f.end())) {
                            if (g.number() == 8) {
                                name = string(model, g);
                                break;
                            }
                        }
                        if (read.contains(name)) {
                            graphOut.add(f);
                        }
                    }
                    case 12, 13 -> { } // the output is written below; value_info is left to shape inference
                    default -> graphOut.add(f);
                }
            }
            byte[] output = valueInfo(block0);
            long graphBytes = output.length + tagBytes(12) + varintBytes(output.length);
            for (Field f : graphOut) {
                graphBytes += f.end() - f.start();
            }
            long modelBytes = tagBytes(7) + varintBytes(graphBytes) + graphBytes;
            for (Field f : top) {
                if (f.number() != 7) {
                    modelBytes += f.end() - f.start();
                }
            }
            if (modelBytes > Integer.MAX_VALUE) {
                throw new IOException("the cut model is over 2 GB");
            }
            ByteBuffer out = ByteBuffer.allocateDirect((int) modelBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (Field f : top) {
                if (f.number() != 7) {
                    copy(model, f, out);
                }
            }
            tag(out, 7, 2);
            varint(out, graphBytes);
            for (Field f : graphOut) {
                copy(model, f, out);
            }
            tag(out, 12, 2);
            varint(out, output.length);
            out.put(output);
            out.flip();
            return new Result(out, block0, kept.size(), nodes.size());
        }
    }

    /** A ValueInfoProto: the name and a float tensor type of unknown shape. */
    private static byte[] valueInfo(String name) {
        ByteBuffer b = ByteBuffer.allocate(name.length() * 4 + 64);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        tag(b, 1, 2);
        varint(b, n.length);
        b.put(n);
        // TypeProto { tensor_type (1): TypeProto.Tensor { elem_type (1): FLOAT = 1 } }
        tag(b, 2, 2);
        varint(b, 4);
        tag(b, 1, 2);
        varint(b, 2);
        tag(b, 1, 0);
        varint(b, 1);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static List<Field> fields(ByteBuffer b, int from, int to) throws IOException {
        List<Field> out = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            int start = pos[0];
            long key = readVarint(b, pos);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            int valueStart;
            switch (wire) {
                case 0 -> {
                    valueStart = pos[0];
                    readVarint(b, pos);
                }
                case 1 -> {
                    valueStart = pos[0];
                    pos[0] += 8;
                }
                case 2 -> {
                    long len = readVarint(b, pos);
                    valueStart = pos[0];
                    pos[0] += (int) len;
                }
                case 5 -> {
                    valueStart = pos[0];
                    pos[0] += 4;
                }
                default -> throw new IOException("wire type " + wire + " at " + start);
            }
            out.add(new Field(number, wire, start, pos[0], valueStart));
        }
        if (pos[0] != to) {
            throw new IOException("a field runs past its message at " + pos[0]);
        }
        return out;
    }

    private static long readVarint(ByteBuffer b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get(pos[0]++);
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    private static String string(ByteBuffer b, Field f) {
        byte[] bytes = new byte[f.end() - f.valueStart()];
        b.get(f.valueStart(), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void copy(ByteBuffer from, Field f, ByteBuffer to) {
        to.put(to.position(), from, f.start(), f.end() - f.start());
        to.position(to.position() + f.end() - f.start());
    }

    private static void tag(ByteBuffer b, int number, int wire) {
        varint(b, ((long) number << 3) | wire);
    }

    private static int tagBytes(int number) {
        return varintBytes((long) number << 3);
    }

    private static void varint(ByteBuffer b, long v) {
        while ((v & ~0x7fL) != 0) {
            b.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static int varintBytes(long v) {
        int n = 1;
        while ((v & ~0x7fL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
