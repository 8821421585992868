package org.polyspan.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.polyspan.labeling.BioLabels;
import org.polyspan.labeling.Document;
import org.polyspan.labeling.IdentityHead;
import org.polyspan.labeling.LinearHead;
import org.polyspan.labeling.SpanLabeler;
import org.polyspan.labeling.SpanScope;
import org.polyspan.labeling.TagHead;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.onnx.HuggingFaceSubwordTokenizer;
import org.polyspan.onnx.ModelLayout;
import org.polyspan.onnx.OnnxWindowEncoder;
import org.polyspan.seq2seq.Seq2SeqModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A model directory loaded and ready to label. Three layouts are accepted (read by {@link ModelLayout}):
 * <ul>
 *   <li>a Hugging Face / optimum token-classification export: {@code model.onnx} with output {@code logits},
 *       {@code tokenizer.json}, {@code config.json} with {@code id2label} (one head, named {@code default});</li>
 *   <li>Polyspan's encoder with heads: {@code config.json} with {@code polyspan.layout = encoder_heads}, an encoder
 *       whose output is a feature vector per position, and {@code heads/<name>.json} linear heads, all of which
 *       share one encoder pass;</li>
 *   <li>a text-to-text (optimum seq2seq) export: {@code config.json} with {@code polyspan.layout = seq2seq}, decoded
 *       under the tag automaton by {@link Seq2SeqModel}; its spans come back as IOB2 tags of one head,
 *       {@code default}, so they are stored exactly like encoder spans.</li>
 * </ul>
 */
public final class LabelingModel implements AutoCloseable {
    public static final String DEFAULT_HEAD = "default";
    /**
     * Padded sub-tokens per encoder call. Measured on 2 cores with mBERT-base: calls of about 512 tokens ran 2.7x
     * faster per sentence than calls of 8192 tokens (50.6 vs 18.9 sentences/s), so bulk requests are cut into small
     * encoder calls rather than one large one.
     */
    private static final int MAX_BATCH_TOKENS = 512;

    private final String id;
    private final Path dir;
    private final String description;
    private final int maxLength;
    private final HuggingFaceSubwordTokenizer tokenizer;
    private final OnnxWindowEncoder encoder;
    private final Map<String, TagHead> heads;
    private final SpanLabeler labeler;
    private final AtomicLong inferences = new AtomicLong();
    private final AtomicLong inferenceNanos = new AtomicLong();
    /** Set for text-to-text models only (then {@code encoder} and {@code labeler} are null). */
    private final Seq2SeqModel seq2seq;
    /** The encoder cut after the layers {@code _project} reads, checked at load; null when the model has none. */
    private final TruncatedEncoder truncated;
    /** The truncated encoder file {@code config.json} names but the directory lacks; null when none is named or it is used. */
    private final String truncatedMissing;

    private LabelingModel(String id, Path dir, String description, int maxLength, HuggingFaceSubwordTokenizer tokenizer,
                          OnnxWindowEncoder encoder, Map<String, TagHead> heads, SpanLabeler labeler, TruncatedEncoder truncated,
                          String truncatedMissing) {
        this.id = id;
        this.dir = dir;
        this.description = description;
        this.maxLength = maxLength;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.heads = heads;
        this.labeler = labeler;
        this.seq2seq = null;
        this.truncated = truncated;
        this.truncatedMissing = truncatedMissing;
    }

    private LabelingModel(String id, Path dir, String description, Seq2SeqModel seq2seq) {
        this.id = id;
        this.dir = dir;
        this.description = description;
        this.maxLength = seq2seq.options().maxInputTokens();
        this.tokenizer = seq2seq.subwordTokenizer() instanceof HuggingFaceSubwordTokenizer hf ? hf : null;
        this.encoder = null;
        this.labeler = null;
        this.seq2seq = seq2seq;
        TagHead head = new IdentityHead(DEFAULT_HEAD, seq2seq.labeler().bioLabels());
        this.heads = Map.of(DEFAULT_HEAD, head);
        this.truncated = null;
        this.truncatedMissing = null;
    }

    public static LabelingModel load(String id, Path dir, OnnxWindowEncoder.Device device, int threads) throws Exception {
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IOException("model [" + id + "] has no config.json in " + dir);
        }
        JsonObject config = JsonParser.parseString(Files.readString(configFile)).getAsJsonObject();
        JsonObject poly = config.has("polyspan") ? config.getAsJsonObject("polyspan") : new JsonObject();
        ModelLayout layout = ModelLayout.of(config);
        if (layout == ModelLayout.TEXT_TO_TEXT) {
            String description = poly.has("description") ? poly.get("description").getAsString() : "";
            Seq2SeqModel seq2seq = Seq2SeqModel.load(dir, device == OnnxWindowEncoder.Device.CUDA, threads);
            try {
                return new LabelingModel(id, dir, description, seq2seq);
            } catch (Exception | Error e) {
                seq2seq.close();
                throw e;
            }
        }
        boolean encoderHeads = layout == ModelLayout.ENCODER_HEADS;
        long padId = config.has("pad_token_id") && !config.get("pad_token_id").isJsonNull() ? config.get("pad_token_id").getAsLong() : 0;
        int maxLength = poly.has("max_length") ? poly.get("max_length").getAsInt()
                : config.has("max_position_embeddings") ? Math.min(512, config.get("max_position_embeddings").getAsInt()) : 512;
        int stride = poly.has("stride") ? poly.get("stride").getAsInt() : Math.max(1, maxLength / 4);
        String description = poly.has("description") ? poly.get("description").getAsString() : "";

        String onnxFile = encoderHeads ? (poly.has("encoder") ? poly.get("encoder").getAsString() : "encoder.onnx") : "model.onnx";
        String outputName = encoderHeads ? (poly.has("features_output") ? poly.get("features_output").getAsString() : "features") : "logits";
        Map<String, TagHead> heads = new LinkedHashMap<>();
        if (encoderHeads) {
            for (Path f : HeadFiles.list(dir.resolve("heads"))) {
                LinearHead head = HeadFiles.read(f);
                heads.put(head.name(), head);
            }
        } else {
            heads.put(DEFAULT_HEAD, new IdentityHead(DEFAULT_HEAD, new BioLabels(id2label(config, id))));
        }

        if (stride < 0) {
            // checked before anything native is opened, so a misconfigured model costs nothing each time it is tried
            throw new IOException("model [" + id + "]: polyspan.stride must not be negative, got " + stride);
        }
        HuggingFaceSubwordTokenizer tokenizer = new HuggingFaceSubwordTokenizer(dir.resolve("tokenizer.json"), padId);
        OnnxWindowEncoder encoder = null;
        TruncatedEncoder truncated = null;
        // every step after the tokenizer runs under one cleanup, which closes whatever was opened so far
        try {
            SpanLabeler.windowing(tokenizer, maxLength, stride); // before the encoder's session opens
            encoder = new OnnxWindowEncoder(dir.resolve(onnxFile), outputName, padId, device, threads);
            for (TagHead head : heads.values()) {
                if (head instanceof LinearHead linear && linear.inputDim() != encoder.outputDim()) {
                    throw new IOException("head [" + head.name() + "] of model [" + id + "] expects " + linear.inputDim()
                            + " features but the encoder emits " + encoder.outputDim());
                }
            }
            String truncatedMissing = null;
            TruncatedEncoder.Entry entry = encoderHeads ? TruncatedEncoder.Entry.of(id, poly) : null;
            if (entry != null) {
                int hiddenSize = config.has("hidden_size") ? config.get("hidden_size").getAsInt() : 0;
                truncated = TruncatedEncoder.load(id, dir, entry, hiddenSize, encoder, tokenizer, maxLength, stride,
                        MAX_BATCH_TOKENS, padId, device, threads);
                if (truncated == null) {
                    truncatedMissing = entry.file();
                    // the model still loads and projects the same, only slower: say so where an operator looks
                    System.getLogger(LabelingModel.class.getName()).log(System.Logger.Level.WARNING, "model [" + id + "]: "
                            + missingReason(entry.file()) + ": _project runs on the full encoder, slower; write the file "
                            + "with models/recipe/truncate.py or remove " + TruncatedEncoder.CONFIG_KEY + " from config.json");
                }
            }
            SpanLabeler labeler = new SpanLabeler(tokenizer, encoder, maxLength, stride, MAX_BATCH_TOKENS);
            return new LabelingModel(id, dir, description, maxLength, tokenizer, encoder, heads, labeler, truncated,
                    truncatedMissing);
        } catch (Exception | Error e) {
            for (AutoCloseable part : new AutoCloseable[] {truncated, encoder, tokenizer}) {
                closeCollecting(part, e); // a failure to close is suppressed in e
            }
            throw e;
        }
    }

    /**
     * Closes {@code part} (nothing when null); a failure becomes {@code failure}, or is suppressed in it when there is
     * one already, so closing the next part still runs.
     *
     * @return the failure so far
     */
    private static Throwable closeCollecting(AutoCloseable part, Throwable failure) {
        if (part == null) {
            return failure;
        }
        try {
            part.close();
        } catch (Exception | Error e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
    }

    private static List<String> id2label(JsonObject config, String id) throws IOException {
        if (!config.has("id2label")) {
            throw new IOException("model [" + id + "]: config.json has no id2label");
        }
        TreeMap<Integer, String> sorted = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : config.getAsJsonObject("id2label").entrySet()) {
            sorted.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        }
        return new ArrayList<>(sorted.values());
    }

    /** Labels the documents with the named heads (all heads when empty) in one encoder pass, in sentence scope. */
    public Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> headNames) {
        return label(documents, headNames, SpanScope.SENTENCE);
    }

    /**
     * Labels the documents with the named heads (all heads when empty) in one encoder pass. A text-to-text model always
     * decodes sentence by sentence, whatever the scope.
     */
    public Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> headNames, SpanScope scope) {
        return label(documents, headNames, scope, SpanLabeler.Context.SENTENCE);
    }

    /** As {@link #label(List, List, SpanScope)}, choosing what the encoder sees around each sentence. */
    public Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> headNames, SpanScope scope,
                                                   SpanLabeler.Context context) {
        return label(documents, headNames, scope, context, true);
    }

    /**
     * Labels without counting the documents in {@link #inferenceCount} and {@link #meanLatencyMillis}: for the
     * self-check a node runs at load, which is not use.
     */
    Map<String, List<TaggedDocument>> labelUncounted(List<Document> documents, List<String> headNames) {
        return label(documents, headNames, SpanScope.SENTENCE, SpanLabeler.Context.SENTENCE, false);
    }

    private Map<String, List<TaggedDocument>> label(List<Document> documents, List<String> headNames, SpanScope scope,
                                                    SpanLabeler.Context context, boolean counted) {
        List<TagHead> chosen = new ArrayList<>();
        for (String name : headNames.isEmpty() ? heads.keySet() : headNames) {
            TagHead head = heads.get(name);
            if (head == null) {
                throw new IllegalArgumentException("model [" + id + "] has no head [" + name + "]; heads: " + heads.keySet());
            }
            chosen.add(head);
        }
        long t0 = System.nanoTime();
        if (seq2seq != null) {
            List<TaggedDocument> tagged = seq2seq.labeler().tagged(documents, chosen.get(0));
            count(counted, documents.size(), t0);
            return Map.of(DEFAULT_HEAD, tagged);
        }
        List<List<TaggedDocument>> out = labeler.label(documents, chosen, scope, context);
        count(counted, documents.size(), t0);
        Map<String, List<TaggedDocument>> byHead = new LinkedHashMap<>();
        for (int h = 0; h < chosen.size(); h++) {
            byHead.put(chosen.get(h).name(), out.get(h));
        }
        return byHead;
    }

    private void count(boolean counted, int documents, long startNanos) {
        if (counted) {
            inferenceNanos.addAndGet(System.nanoTime() - startNanos);
            inferences.addAndGet(documents);
        }
    }

    /** Encodes the documents and hands each window's output to {@code sink}, e.g. to collect training features. */
    public void encode(List<Document> documents, SpanLabeler.WindowSink sink) {
        if (labeler == null) {
            throw new UnsupportedOperationException("model [" + id + "] is a text-to-text model and has no encoder features");
        }
        labeler.encode(documents, sink);
    }

    /**
     * As {@link #encode}, with the {@link #truncatedEncoder()}: the sink receives the blocks it emits, in its order.
     *
     * @throws IllegalStateException when the model has no truncated encoder
     */
    public void encodeTruncated(List<Document> documents, SpanLabeler.WindowSink sink) {
        if (truncated == null) {
            throw new IllegalStateException("model [" + id + "] has no truncated encoder");
        }
        truncated.encode(documents, sink);
    }

    /** The encoder cut after the layers {@code _project} reads (checked against the full one at load), or null. */
    public TruncatedEncoder truncatedEncoder() {
        return truncated;
    }

    /**
     * Which encoder {@code _project}'s word vectors run on this model, for the models API: the truncated encoder with
     * its load-time check, or the full encoder and why.
     */
    public Map<String, Object> projectionEncoder() {
        if (truncated != null) {
            return truncated.describe();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", "full encoder");
        if (truncatedMissing != null) {
            m.put("missing_file", truncatedMissing); // a fallback, not a model without a cut: tell them apart without parsing
        }
        m.put("reason", truncatedMissing != null ? missingReason(truncatedMissing)
                : "config.json names no " + TruncatedEncoder.CONFIG_KEY + " (models/recipe/truncate.py writes one)");
        return m;
    }

    private static String missingReason(String file) {
        return file + " (named in config.json) is not in the model directory";
    }

    public String id() {
        return id;
    }

    public Path dir() {
        return dir;
    }

    public String description() {
        return description;
    }

    public int maxLength() {
        return maxLength;
    }

    public Map<String, TagHead> heads() {
        return heads;
    }

    /** The {@code tokenizer.json} tokenizer; null for a text-to-text model that reads a SentencePiece model. */
    public HuggingFaceSubwordTokenizer tokenizer() {
        return tokenizer;
    }

    /** The text-to-text model of a {@code seq2seq} layout; null for an encoder model. */
    public Seq2SeqModel seq2seq() {
        return seq2seq;
    }

    /** The encoder of an encoder model; null for a text-to-text model. */
    public OnnxWindowEncoder encoder() {
        return encoder;
    }

    public long inferenceCount() {
        return inferences.get();
    }

    /** Mean wall time per labelled document, in milliseconds. */
    public double meanLatencyMillis() {
        long n = inferences.get();
        return n == 0 ? 0 : inferenceNanos.get() / 1e6 / n;
    }

    @Override
    public void close() {
        if (seq2seq != null) {
            seq2seq.close();
            return;
        }
        // every part is closed even when one fails, so one failure does not leak the others' native memory
        Throwable failure = null;
        for (AutoCloseable part : new AutoCloseable[] {encoder, tokenizer, truncated}) {
            failure = closeCollecting(part, failure);
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("closing model [" + id + "] failed: " + failure.getMessage(), failure);
        }
    }
}
