package org.polyspan.onnx;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a model directory holds, decided from its {@code config.json} alone: {@code polyspan.layout} names Polyspan's
 * layouts, and a config without one (or with another value) is a Hugging Face token-classification export. This is the
 * one place that reads the layout; the file checks, the loaders and the model repository all ask it.
 */
public enum ModelLayout {
    /** A Hugging Face / optimum token-classification export: {@code model.onnx} with {@code logits}, {@code id2label}. */
    TOKEN_CLASSIFICATION,
    /** {@code polyspan.layout = encoder_heads}: an encoder emitting features and linear heads in {@code heads/}. */
    ENCODER_HEADS,
    /** {@code polyspan.layout = seq2seq}: a text-to-text (optimum seq2seq) export decoded under the tag automaton. */
    TEXT_TO_TEXT,
    /** {@code polyspan.layout = translation}: an M2M100 / NLLB optimum seq2seq export. */
    TRANSLATION;

    /** The layout a parsed {@code config.json} declares. */
    public static ModelLayout of(JsonObject config) {
        if (!config.has("polyspan")) {
            return TOKEN_CLASSIFICATION;
        }
        JsonObject poly = config.getAsJsonObject("polyspan");
        if (!poly.has("layout")) {
            return TOKEN_CLASSIFICATION;
        }
        return switch (poly.get("layout").getAsString()) {
            case "encoder_heads" -> ENCODER_HEADS;
            case "seq2seq" -> TEXT_TO_TEXT;
            case "translation" -> TRANSLATION;
            default -> TOKEN_CLASSIFICATION;
        };
    }

    /** Reads the layout from the directory's {@code config.json}; nothing else is read. */
    public static ModelLayout read(Path dir) throws IOException {
        return of(JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject());
    }
}
