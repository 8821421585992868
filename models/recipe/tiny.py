"""Tiny random-weight BERT fixtures for fast unit tests (no download, deterministic).

Command line: python3 tiny.py OUT_DIR
              python3 tiny.py --reseeded-encoder DIR


    OUT_DIR/tiny-heads/  encoder.onnx (output "features"), tokenizer.json, config.json
                         (polyspan.layout = encoder_heads), heads/ner.json + ner.bin,
                         reference.json, tokenizer_reference.json, vocab.txt
    OUT_DIR/tiny-hf/     model.onnx (output "logits"), tokenizer.json, config.json with
                         id2label/label2id (Hugging Face token-classification layout),
                         reference.json, tokenizer_reference.json, vocab.txt

--reseeded-encoder DIR writes DIR/encoder.onnx: the tiny-heads encoder with the same shapes and other random weights.
Copied over a copy of tiny-heads, it makes a model whose encoder no longer matches its heads and self-check reference
(the fixture tiny-heads-broken, which a node must refuse).

The weights are random: outputs are meaningless, only shapes and numerics are testable.
"""

import os
import string
import sys

import numpy as np
import torch

import bert_onnx
from bert_onnx import BertConfig, BertEncoder, TokenClassifier
import tokenizer_json
from tokenizer_json import write_all as write_tokenizer
from wordpiece_ref import FullTokenizer

SEED = 20240601
LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
MAX_POSITIONS = 64

WORDS = """
the of and to in is was for on with by at from as an be this that it he she they we you
are were has have had not but or his her their its new first one two three year city
Paris London Berlin York New Angela Merkel Barack Obama John Smith Google Microsoft
United Nations Europe Germany France China Japan Russia
der die das und ist nicht mit von den ein eine im auf für Straße München Zürich Müller
le la les et est dans une des du pour président à
el los las por con una en
и в не на что с по это Москва Россия
""".split()
CJK = "北京东京上海中国日本人大学会社年月日的是在了有"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

REFERENCE_TEXTS = [
    "Angela Merkel met Barack Obama in Berlin.",
    "Москва и 北京 — zürich, straße 42!",
]


def tiny_vocab():
    tokens = list(SPECIALS)
    seen = set(tokens)

    def add(t):
        if t not in seen:
            seen.add(t)
            tokens.append(t)

    for ch in string.punctuation + string.digits + string.ascii_letters:
        add(ch)
    for ch in string.ascii_lowercase + string.digits:
        add("##" + ch)
    for ch in "äöüßéèàçñ":
        add(ch)
        add("##" + ch)
    for w in WORDS:
        add(w)
    for ch in CJK:
        add(ch)
    for ch in CYRILLIC + ARABIC + GREEK:
        add(ch)
        add("##" + ch)
    for suffix in ("ing", "ed", "er", "s", "en", "ung", "ion"):
        add("##" + suffix)
    return tokens


def init_params(module, seed):
    """Deterministic init from numpy's legacy generator (stable across numpy/torch versions)."""
    rng = np.random.RandomState(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            shape = tuple(p.shape)
            if name.endswith("_ln.weight") or name.endswith("emb_ln.weight"):
                values = 1.0 + 0.1 * rng.standard_normal(shape)
            elif p.dim() == 1:
                values = 0.02 * rng.standard_normal(shape)
            else:
                values = 0.2 * rng.standard_normal(shape)
            p.copy_(torch.from_numpy(values.astype(np.float32)))


def tiny_config(vocab_size):
    return BertConfig(vocab_size=vocab_size, hidden_size=32, num_layers=2, num_heads=2,
                      intermediate_size=64, max_positions=MAX_POSITIONS, type_vocab_size=2,
                      feature_layers=4)


def write_json(obj, path, compact=False):
    tokenizer_json.write_json(obj, path, indent=2, compact=compact)


def write_vocab(tokens, path):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for t in tokens:
            f.write(t + "\n")


def base_config(c, architecture):
    return {
        "model_type": "bert",
        "architectures": [architecture],
        "hidden_size": c.hidden_size,
        "num_hidden_layers": c.num_layers,
        "num_attention_heads": c.num_heads,
        "intermediate_size": c.intermediate_size,
        "vocab_size": c.vocab_size,
        "max_position_embeddings": c.max_positions,
        "type_vocab_size": c.type_vocab_size,
        "pad_token_id": 0,
    }


def write_head(dir_, name, labels, input_dim, seed):
    rng = np.random.RandomState(seed)
    w = (0.1 * rng.standard_normal((len(labels), input_dim))).astype("<f4")
    b = (0.1 * rng.standard_normal(len(labels))).astype("<f4")
    os.makedirs(dir_, exist_ok=True)
    with open(os.path.join(dir_, name + ".bin"), "wb") as f:
        f.write(w.tobytes(order="C"))
        f.write(b.tobytes())
    write_json({"name": name, "labels": labels, "input_dim": input_dim,
                "weights": name + ".bin", "centering": "none"},
               os.path.join(dir_, name + ".json"))


def build_heads_layout(out, vocab):
    os.makedirs(out, exist_ok=True)
    c = tiny_config(len(vocab))
    torch.manual_seed(SEED)
    model = BertEncoder(c).eval()
    init_params(model, SEED)
    bert_onnx.export_onnx(model, os.path.join(out, "encoder.onnx"), "features", c.feature_dim)
    write_tokenizer(vocab, out)
    write_vocab(vocab, os.path.join(out, "vocab.txt"))
    cfg = base_config(c, "BertModel")
    cfg["polyspan"] = {
        "layout": "encoder_heads",
        "encoder": "encoder.onnx",
        "features_output": "features",
        "feature_dim": c.feature_dim,
        "max_length": 32,
        "stride": 8,
        "description": "Tiny random-weight test fixture (%d layers concatenated); outputs are meaningless"
                       % c.feature_layers,
    }
    write_json(cfg, os.path.join(out, "config.json"))
    write_head(os.path.join(out, "heads"), "ner", LABELS, c.feature_dim, SEED + 1)
    tok = FullTokenizer({t: i for i, t in enumerate(vocab)})
    write_json(bert_onnx.reference(model, tok, REFERENCE_TEXTS), os.path.join(out, "reference.json"), compact=True)


def build_hf_layout(out, vocab):
    os.makedirs(out, exist_ok=True)
    c = tiny_config(len(vocab))
    torch.manual_seed(SEED)
    model = TokenClassifier(c, len(LABELS)).eval()
    init_params(model, SEED + 2)
    bert_onnx.export_onnx(model, os.path.join(out, "model.onnx"), "logits", len(LABELS))
    write_tokenizer(vocab, out)
    write_vocab(vocab, os.path.join(out, "vocab.txt"))
    cfg = base_config(c, "BertForTokenClassification")
    cfg["id2label"] = {str(i): l for i, l in enumerate(LABELS)}
    cfg["label2id"] = {l: i for i, l in enumerate(LABELS)}
    write_json(cfg, os.path.join(out, "config.json"))
    tok = FullTokenizer({t: i for i, t in enumerate(vocab)})
    write_json(bert_onnx.reference(None, tok, REFERENCE_TEXTS, head=model, head_output="logits"),
               os.path.join(out, "reference.json"), compact=True)


def write_reseeded_encoder(out, vocab):
    """The tiny-heads encoder's graph with weights drawn from another seed."""
    c = tiny_config(len(vocab))
    torch.manual_seed(SEED + 100)
    model = BertEncoder(c).eval()
    init_params(model, SEED + 100)
    bert_onnx.export_onnx(model, os.path.join(out, "encoder.onnx"), "features", c.feature_dim)


def main(argv):
    if len(argv) == 3 and argv[1] == "--reseeded-encoder":
        write_reseeded_encoder(argv[2], tiny_vocab())
        print("wrote %s/encoder.onnx with reseeded weights" % argv[2])
        return 0
    if len(argv) != 2:
        print("usage: tiny.py OUT_DIR | tiny.py --reseeded-encoder DIR", file=sys.stderr)
        return 2
    vocab = tiny_vocab()
    build_heads_layout(os.path.join(argv[1], "tiny-heads"), vocab)
    build_hf_layout(os.path.join(argv[1], "tiny-hf"), vocab)
    print("wrote tiny fixtures (vocab %d) to %s/tiny-heads and %s/tiny-hf" % (len(vocab), argv[1], argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
