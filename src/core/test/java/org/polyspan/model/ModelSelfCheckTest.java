package org.polyspan.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.polyspan.TinyModels;
import org.polyspan.onnx.OnnxWindowEncoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model's self-check against its reference: what passes, what fails and what the failure says. */
class ModelSelfCheckTest {
    @TempDir
    Path tmp;

    /** A copy of tiny-heads with a reference computed from itself. */
    private Path checkedCopy() throws Exception {
        Path dir = TinyModels.copy(TinyModels.HEADS, tmp.resolve("m"));
        try (LabelingModel model = load(dir)) {
            ModelSelfCheck.reference(model, "fp32", "tiny-heads", SelfCheckReference.Tolerance.FP32).write(dir);
        }
        return dir;
    }

    private static LabelingModel load(Path dir) throws Exception {
        return LabelingModel.load("m", dir, OnnxWindowEncoder.Device.CPU, 1);
    }

    private static SelfCheckResult run(Path dir) throws Exception {
        try (LabelingModel model = load(dir)) {
            return ModelSelfCheck.run(model);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> head(SelfCheckResult r, String name) {
        return (Map<String, Object>) ((Map<String, Object>) r.figures().get("heads")).get(name);
    }

    /** Negates every float of a head's weights file: the same shapes, other tags. */
    static void negateHead(Path dir, String name) throws Exception {
        Path bin = dir.resolve("heads").resolve(name + ".bin");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(bin)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= b.capacity(); i += 4) {
            b.putFloat(i, -b.getFloat(i));
        }
        Files.write(bin, b.array());
    }

    @Test
    void aReferenceComputedFromAModelPassesOnThatModelAndReadsBackAsWritten() throws Exception {
        Path dir = checkedCopy();
        SelfCheckReference ref = SelfCheckReference.read(dir);
        assertNotNull(ref);
        assertEquals(ModelSelfCheck.SENTENCES.size(), ref.sentences().size());
        assertTrue(ref.featureStride() >= 1);
        assertEquals(List.of("ner"), List.copyOf(ref.sentences().get(0).tags().keySet()));
        SelfCheckResult r = run(dir);
        assertEquals("passed", r.status(), () -> r.toMap().toString());
        assertTrue((double) r.figures().get("mean_cosine") > 0.9999, () -> r.toMap().toString());
        assertEquals(1.0, head(r, "ner").get("span_f1"));
        assertTrue((long) head(r, "ner").get("expected_spans") > 0, "the tiny head tags spans on the reference sentences");
    }

    @Test
    void anEncoderWithOtherWeightsFailsOnItsFeaturesAndItsSpans() throws Exception {
        Path dir = checkedCopy();
        // tiny-heads-broken: the same graph with weights of another seed (models/recipe/tiny.py --reseeded-encoder)
        Path other = TinyModels.fixture("tiny-heads-broken", "encoder.onnx");
        Files.copy(other.resolve("encoder.onnx"), dir.resolve("encoder.onnx"), StandardCopyOption.REPLACE_EXISTING);
        // with the truncated encoder cut from it (alone, the old truncated encoder would fail the load: TruncatedEncoderTest)
        Files.copy(other.resolve("encoder_truncated.onnx"), dir.resolve("encoder_truncated.onnx"), StandardCopyOption.REPLACE_EXISTING);
        SelfCheckResult r = run(dir);
        assertTrue(r.failed(), () -> r.toMap().toString());
        assertTrue(r.reason().contains("mean feature cosine"), r.reason());
        assertTrue(r.reason().contains("head [ner] span F1"), r.reason());
        assertTrue((double) r.figures().get("mean_cosine") < 0.5, () -> r.toMap().toString());
    }

    @Test
    void aHeadThatNoLongerGivesItsTagsFailsOnSpanF1Only() throws Exception {
        Path dir = checkedCopy();
        negateHead(dir, "ner");
        SelfCheckResult r = run(dir);
        assertTrue(r.failed(), () -> r.toMap().toString());
        assertTrue(r.reason().startsWith("head [ner] span F1"), r.reason());
        assertTrue((double) r.figures().get("mean_cosine") > 0.9999, "the encoder is unchanged");
    }

    @Test
    void updatedHeadTagsMakeARetrainedHeadPassAgain() throws Exception {
        Path dir = checkedCopy();
        negateHead(dir, "ner");
        SelfCheckReference ref = SelfCheckReference.read(dir);
        try (LabelingModel model = load(dir)) {
            ref.withHeadTags("ner", ModelSelfCheck.headTags(model, ref, "ner")).write(dir);
        }
        assertEquals("passed", run(dir).status());
    }

    @Test
    void featuresThatDisagreeFailWhateverTheHeads() throws Exception {
        Path dir = checkedCopy();
        SelfCheckReference ref = SelfCheckReference.read(dir);
        List<SelfCheckReference.Sentence> flipped = ref.sentences().stream().map(s -> {
            float[][] f = new float[s.features().length][];
            for (int p = 0; p < f.length; p++) {
                f[p] = s.features()[p].clone();
                for (int k = 0; k < f[p].length; k++) {
                    f[p][k] = -f[p][k];
                }
            }
            return new SelfCheckReference.Sentence(s.text(), f, s.tags());
        }).toList();
        new SelfCheckReference(ref.precision(), ref.source(), ref.featureStride(), ref.tolerance(), flipped).write(dir);
        SelfCheckResult r = run(dir);
        assertTrue(r.failed());
        assertEquals(-1.0, (double) r.figures().get("mean_cosine"), 1e-3);
        assertTrue(r.reason().startsWith("mean feature cosine -1.0000 is below 0.999"), r.reason());
    }

    @Test
    void aHeadWithoutExpectedTagsIsListedAndDoesNotFail() throws Exception {
        Path dir = checkedCopy();
        Path heads = dir.resolve("heads");
        Files.writeString(heads.resolve("other.json"), Files.readString(heads.resolve("ner.json")).replace("\"ner\"", "\"other\""));
        Files.copy(heads.resolve("ner.bin"), heads.resolve("other.bin"));
        SelfCheckResult r = run(dir);
        assertEquals("passed", r.status(), () -> r.toMap().toString());
        assertEquals(List.of("other"), r.figures().get("heads_without_reference"));
    }

    @Test
    void noReferenceIsAbsentAndABrokenOneFails() throws Exception {
        Path dir = TinyModels.copy(TinyModels.HEADS, tmp.resolve("m"));
        Files.deleteIfExists(dir.resolve(SelfCheckReference.FILE));
        SelfCheckResult absent = run(dir);
        assertEquals("absent", absent.status());
        assertTrue(absent.reason().contains("SelfCheck --write"), absent.reason());

        Files.writeString(dir.resolve(SelfCheckReference.FILE), "{\"format\": 1, \"sentences\": []");
        SelfCheckResult broken = run(dir);
        assertTrue(broken.failed());
        assertTrue(broken.reason().contains("is not a valid self-check reference"), broken.reason());
    }

    @Test
    void toleranceFollowsPrecision() {
        assertEquals(SelfCheckReference.Tolerance.INT8, SelfCheckReference.Tolerance.forPrecision("int8"));
        assertEquals(SelfCheckReference.Tolerance.FP32, SelfCheckReference.Tolerance.forPrecision("fp32"));
        assertTrue(SelfCheckReference.Tolerance.FP32.minMeanCosine() > SelfCheckReference.Tolerance.INT8.minMeanCosine());
    }
}
