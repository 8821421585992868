package org.polyspan.model;

import org.polyspan.labeling.Document;
import org.polyspan.labeling.TagChunker;
import org.polyspan.labeling.TaggedDocument;
import org.polyspan.labeling.Vectors;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs a loaded labelling model on the sentences of its {@link SelfCheckReference} and compares what it computes with
 * what the reference expects: the encoder's features (mean cosine over sub-token positions) and, per head, the spans
 * its tags form (span F1). {@link #reference} computes a reference from a model known to be right.
 */
public final class ModelSelfCheck {
    /**
     * The sentences a reference is computed on: news in several languages and scripts for entity heads, a clinical
     * and argumentative sentences for the medical and argument heads.
     */
    public static final List<String> SENTENCES = List.of(
            "Barack Obama met Angela Merkel at the White House in Washington on Friday.",
            "Angela Merkel besuchte gestern mit Emmanuel Macron die Siemens AG in München.",
            "Pedro Sánchez se reunió en Madrid con representantes de Telefónica y del Banco Santander.",
            "Le président Emmanuel Macron a rencontré les dirigeants de Renault à Paris.",
            "Владимир Путин провёл встречу с руководством Газпрома в Москве.",
            "The United Nations and the World Health Organization opened an office in Nairobi, Kenya.",
            "Patients with type 2 diabetes received metformin or insulin, and hypertension was treated with lisinopril.",
            "We conclude that adjuvant chemotherapy significantly improved overall survival, since the death rate fell from 32% to 21%.",
            "Median progression-free survival was 8.2 months in the combination arm and 5.1 months in the control arm (p < 0.001).",
            "These findings suggest that the combination is a safe and effective first-line treatment for elderly patients.");

    private ModelSelfCheck() {}

    /**
     * The reference of {@code model}, which must be known to be right (the fp32 model a build just checked), with the
     * tolerance of {@code precision}.
     */
    public static SelfCheckReference reference(LabelingModel model, String precision, String source,
                                               SelfCheckReference.Tolerance tolerance) {
        OnnxWindowEncoder encoder = model.encoder();
        int stride = encoder == null ? 0 : Math.max(1, encoder.outputDim() / SelfCheckReference.SAMPLED_FEATURES);
        List<Document> docs = SENTENCES.stream().map(Document::of).toList();
        Map<String, List<TaggedDocument>> tagged = model.labelUncounted(docs, List.of());
        List<SelfCheckReference.Sentence> sentences = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            float[][] features = null;
            if (encoder != null) {
                float[][] full = features(model, SENTENCES.get(i));
                features = new float[full.length][];
                for (int p = 0; p < full.length; p++) {
                    features[p] = sample(full[p], stride);
                }
            }
            Map<String, List<String>> tags = new LinkedHashMap<>();
            for (Map.Entry<String, List<TaggedDocument>> e : tagged.entrySet()) {
                tags.put(e.getKey(), e.getValue().get(i).tagNames());
            }
            sentences.add(new SelfCheckReference.Sentence(SENTENCES.get(i), features, tags));
        }
        return new SelfCheckReference(precision, source, stride, tolerance, sentences);
    }

    /** The tags {@code model}'s head {@code head} gives the reference's sentences, e.g. to update it after retraining. */
    public static List<List<String>> headTags(LabelingModel model, SelfCheckReference reference, String head) {
        List<Document> docs = reference.sentences().stream().map(s -> Document.of(s.text())).toList();
        List<List<String>> out = new ArrayList<>();
        for (TaggedDocument d : model.labelUncounted(docs, List.of(head)).get(head)) {
            out.add(d.tagNames());
        }
        return out;
    }

    /** Runs the reference of the model's directory; {@link SelfCheckResult#absent} when it has none. */
    public static SelfCheckResult run(LabelingModel model) {
        SelfCheckReference reference;
        try {
            reference = SelfCheckReference.read(model.dir());
        } catch (Exception e) {
            return SelfCheckResult.failed(e.getMessage(), Map.of());
        }
        return reference == null ? SelfCheckResult.absent() : run(model, reference);
    }

    /** What {@code model} computes for the reference's sentences against what the reference expects. */
    public static SelfCheckResult run(LabelingModel model, SelfCheckReference reference) {
        long t0 = System.nanoTime();
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        figures.put("precision", reference.precision());
        figures.put("sentences", reference.sentences().size());
        try {
            compareFeatures(model, reference, figures, problems);
            compareHeads(model, reference, figures, problems);
        } catch (RuntimeException e) {
            problems.add("the model failed on the reference sentences: " + e.getMessage());
        }
        figures.put("took_ms", (System.nanoTime() - t0) / 1_000_000);
        return problems.isEmpty() ? SelfCheckResult.passed(figures) : SelfCheckResult.failed(String.join("; ", problems), figures);
    }

    private static void compareFeatures(LabelingModel model, SelfCheckReference reference, Map<String, Object> figures,
                                        List<String> problems) {
        boolean expectsFeatures = reference.sentences().stream().anyMatch(s -> s.features() != null);
        if (!expectsFeatures) {
            return;
        }
        if (model.encoder() == null) {
            problems.add("the reference has encoder features but the model has no encoder");
            return;
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        long positions = 0;
        for (SelfCheckReference.Sentence s : reference.sentences()) {
            float[][] full = features(model, s.text());
            if (full.length != s.features().length) {
                problems.add(String.format(Locale.ROOT, "the tokenizer gives %d sub-tokens for \"%s\", the reference %d",
                        full.length, s.text(), s.features().length));
                return;
            }
            for (int p = 0; p < full.length; p++) {
                float[] got = sample(full[p], reference.featureStride());
                if (got.length != s.features()[p].length) {
                    problems.add("the encoder emits " + full[p].length + " features, which do not match the reference's "
                            + s.features()[p].length + " sampled every " + reference.featureStride());
                    return;
                }
                double c = Vectors.cosine(got, s.features()[p]);
                sum += c;
                min = Math.min(min, c);
                positions++;
            }
        }
        double mean = sum / Math.max(1, positions);
        figures.put("positions", positions);
        figures.put("mean_cosine", round(mean));
        figures.put("min_cosine", round(min));
        figures.put("min_mean_cosine", reference.tolerance().minMeanCosine());
        if (!(mean >= reference.tolerance().minMeanCosine())) {
            problems.add(String.format(Locale.ROOT, "mean feature cosine %.4f is below %.3f", mean, reference.tolerance().minMeanCosine()));
        }
    }

    private static void compareHeads(LabelingModel model, SelfCheckReference reference, Map<String, Object> figures,
                                     List<String> problems) {
        Set<String> expected = new java.util.LinkedHashSet<>();
        reference.sentences().forEach(s -> expected.addAll(s.tags().keySet()));
        List<String> heads = expected.stream().filter(model.heads()::containsKey).toList();
        List<String> unchecked = model.heads().keySet().stream().filter(h -> !expected.contains(h)).toList();
        if (!unchecked.isEmpty()) {
            figures.put("heads_without_reference", unchecked);
        }
        if (heads.isEmpty()) {
            return;
        }
        List<Document> docs = reference.sentences().stream().map(s -> Document.of(s.text())).toList();
        Map<String, List<TaggedDocument>> tagged = model.labelUncounted(docs, heads);
        Map<String, Object> perHead = new LinkedHashMap<>();
        for (String head : heads) {
            long[] counts = new long[3]; // matched, expected, found
            long sameTags = 0;
            long words = 0;
            for (int i = 0; i < docs.size(); i++) {
                List<String> want = reference.sentences().get(i).tags().get(head);
                if (want == null) {
                    continue;
                }
                List<String> got = tagged.get(head).get(i).tagNames();
                if (got.size() != want.size()) {
                    problems.add("head [" + head + "] tags " + got.size() + " words of \"" + docs.get(i).text() + "\", the reference "
                            + want.size());
                    return;
                }
                for (int w = 0; w < got.size(); w++) {
                    sameTags += got.get(w).equals(want.get(w)) ? 1 : 0;
                }
                words += got.size();
                Set<TagChunker.Chunk> a = new HashSet<>(TagChunker.chunks(want));
                List<TagChunker.Chunk> b = TagChunker.chunks(got);
                counts[1] += a.size();
                counts[2] += b.size();
                counts[0] += b.stream().filter(a::contains).count();
            }
            // no span expected and none found is agreement, not an undefined score
            double f1 = counts[1] + counts[2] == 0 ? 1.0 : 2.0 * counts[0] / (counts[1] + counts[2]);
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("span_f1", round(f1));
            h.put("expected_spans", counts[1]);
            h.put("found_spans", counts[2]);
            h.put("same_tag_words", sameTags);
            h.put("words", words);
            perHead.put(head, h);
            if (!(f1 >= reference.tolerance().minSpanF1())) {
                problems.add(String.format(Locale.ROOT, "head [%s] span F1 %.3f is below %.2f (%d spans expected, %d found, %d alike)",
                        head, f1, reference.tolerance().minSpanF1(), counts[1], counts[2], counts[0]));
            }
        }
        figures.put("min_span_f1", reference.tolerance().minSpanF1());
        figures.put("heads", perHead);
    }

    /** The encoder's output at every sub-token position of {@code text}, cut to the model's maximum length. */
    private static float[][] features(LabelingModel model, String text) {
        long[] ids = model.tokenizer().encodeText(text);
        if (ids.length > model.maxLength()) {
            ids = Arrays.copyOf(ids, model.maxLength());
        }
        return model.encoder().encode(new long[][] {ids})[0];
    }

    static float[] sample(float[] v, int stride) {
        float[] out = new float[(v.length + stride - 1) / stride];
        for (int k = 0; k < out.length; k++) {
            out[k] = v[k * stride];
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
