"""Minimal BERT encoder in torch, weight loading from a TF tensor bundle, masked-LM sanity
check, and ONNX export of the concatenated last hidden layers ("features").

Command line (default model):
    python3 bert_onnx.py --variables PREFIX --vocab VOCAB_TXT --out DIR

writes DIR/encoder.onnx and DIR/reference.json. Torch is only used for a handful of forward
passes (check + reference) and the export.
"""

import argparse
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

import fuse
from tokenizer_json import write_json
from wordpiece_ref import FullTokenizer, vocab_list

LN_EPS = 1e-12


class BertConfig:
    def __init__(self, vocab_size, hidden_size=768, num_layers=12, num_heads=12,
                 intermediate_size=3072, max_positions=512, type_vocab_size=2, feature_layers=4):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.intermediate_size = intermediate_size
        self.max_positions = max_positions
        self.type_vocab_size = type_vocab_size
        # number of last transformer layers whose outputs are concatenated into "features"
        self.feature_layers = min(feature_layers, num_layers)

    @property
    def feature_dim(self):
        return self.feature_layers * self.hidden_size


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c.hidden_size
        self.num_heads = c.num_heads
        self.head_dim = h // c.num_heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.attn_out = nn.Linear(h, h)
        self.attn_ln = nn.LayerNorm(h, eps=LN_EPS)
        self.inter = nn.Linear(h, c.intermediate_size)
        self.out = nn.Linear(c.intermediate_size, h)
        self.out_ln = nn.LayerNorm(h, eps=LN_EPS)

    def _split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_bias):
        b, s, h = x.shape
        q = self._split(self.query(x))
        k = self._split(self.key(x))
        v = self._split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask_bias
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, h)
        x = self.attn_ln(x + self.attn_out(ctx))
        y = self.out(nn.functional.gelu(self.inter(x)))  # exact (erf) GELU
        return self.out_ln(x + y)


class BertEncoder(nn.Module):
    """forward(input_ids, attention_mask, token_type_ids) -> features [b, s, feature_dim]."""

    def __init__(self, c):
        super().__init__()
        self.config = c
        h = c.hidden_size
        self.word = nn.Embedding(c.vocab_size, h)
        self.position = nn.Embedding(c.max_positions, h)
        self.token_type = nn.Embedding(c.type_vocab_size, h)
        self.emb_ln = nn.LayerNorm(h, eps=LN_EPS)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.num_layers)])

    def hidden_states(self, input_ids, attention_mask, token_type_ids):
        seq = input_ids.shape[1]
        pos = self.position.weight[:seq].unsqueeze(0)
        x = self.emb_ln(self.word(input_ids) + pos + self.token_type(token_type_ids))
        # additive mask as in the original BERT: 0 for real tokens, -10000 for padding
        mask_bias = (1.0 - attention_mask.to(x.dtype))[:, None, None, :] * -10000.0
        states = []
        for layer in self.layers:
            x = layer(x, mask_bias)
            states.append(x)
        return states

    def forward(self, input_ids, attention_mask, token_type_ids):
        states = self.hidden_states(input_ids, attention_mask, token_type_ids)
        return torch.cat(states[-self.config.feature_layers:], dim=-1)


class TokenClassifier(nn.Module):
    """BertEncoder + linear layer on the last hidden state -> logits (HF-style export)."""

    def __init__(self, c, num_labels):
        super().__init__()
        self.encoder = BertEncoder(c)
        self.classifier = nn.Linear(c.hidden_size, num_labels)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.classifier(self.encoder.hidden_states(input_ids, attention_mask, token_type_ids)[-1])


class MlmHead(nn.Module):
    """cls/predictions: dense + gelu + LayerNorm, decoder tied to the word embeddings."""

    def __init__(self, c, word_embeddings):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.ln = nn.LayerNorm(c.hidden_size, eps=LN_EPS)
        self.word_embeddings = word_embeddings
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def forward(self, last_hidden):
        x = self.ln(nn.functional.gelu(self.dense(last_hidden)))
        return torch.matmul(x, self.word_embeddings.weight.t()) + self.bias


# ------------------------------------------------------------------ weights from TF bundle

def _find_prefix(names):
    for prefix in ("module/bert/", "bert/"):
        if prefix + "embeddings/word_embeddings" in names:
            return prefix
    raise ValueError("no bert/embeddings/word_embeddings tensor in the checkpoint")


def config_from_bundle(bundle):
    names = set(bundle.names())
    p = _find_prefix(names)
    shape = lambda n: bundle.entries[p + n].shape
    vocab_size, hidden = shape("embeddings/word_embeddings")
    layers = 0
    while p + "encoder/layer_%d/output/dense/kernel" % layers in names:
        layers += 1
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        num_layers=layers,
        num_heads=hidden // 64,
        intermediate_size=shape("encoder/layer_0/intermediate/dense/kernel")[1],
        max_positions=shape("embeddings/position_embeddings")[0],
        type_vocab_size=shape("embeddings/token_type_embeddings")[0],
    )


def load_from_bundle(bundle, model, mlm=None):
    """Copies TF variables into model (and the optional MlmHead). Returns the used names."""
    names = set(bundle.names())
    p = _find_prefix(names)
    used = set()

    def t(name):
        used.add(name)
        return torch.from_numpy(np.ascontiguousarray(bundle.get(name)))

    def linear(mod, name):  # TF kernels are [in, out], torch weights are [out, in]
        mod.weight.data.copy_(t(name + "/kernel").t())
        mod.bias.data.copy_(t(name + "/bias"))

    def ln(mod, name):
        mod.weight.data.copy_(t(name + "/gamma"))
        mod.bias.data.copy_(t(name + "/beta"))

    model.word.weight.data.copy_(t(p + "embeddings/word_embeddings"))
    model.position.weight.data.copy_(t(p + "embeddings/position_embeddings"))
    model.token_type.weight.data.copy_(t(p + "embeddings/token_type_embeddings"))
    ln(model.emb_ln, p + "embeddings/LayerNorm")
    for i, layer in enumerate(model.layers):
        q = p + "encoder/layer_%d/" % i
        linear(layer.query, q + "attention/self/query")
        linear(layer.key, q + "attention/self/key")
        linear(layer.value, q + "attention/self/value")
        linear(layer.attn_out, q + "attention/output/dense")
        ln(layer.attn_ln, q + "attention/output/LayerNorm")
        linear(layer.inter, q + "intermediate/dense")
        linear(layer.out, q + "output/dense")
        ln(layer.out_ln, q + "output/LayerNorm")
    if mlm is not None:
        c = p[: -len("bert/")] + "cls/predictions/"
        linear(mlm.dense, c + "transform/dense")
        ln(mlm.ln, c + "transform/LayerNorm")
        mlm.bias.data.copy_(t(c + "output_bias"))
    return used


def has_mlm_head(bundle):
    p = _find_prefix(set(bundle.names()))
    return p[: -len("bert/")] + "cls/predictions/output_bias" in bundle


# ------------------------------------------------------------------ checks, export, reference

def encode(tokenizer, text):
    tokens, ids = tokenizer.encode(text)
    ids_t = torch.tensor([ids], dtype=torch.long)
    return tokens, ids_t, torch.ones_like(ids_t), torch.zeros_like(ids_t)


def mlm_check(model, mlm, tokenizer, vocab_tokens, expect="capital"):
    # [MASK] is inserted by id: the original BasicTokenizer would split the literal "[MASK]".
    tokens, ids, mask, types = encode(tokenizer, "Paris is the capital of France.")
    pos = tokens.index(expect)
    ids[0, pos] = tokenizer.vocab["[MASK]"]
    with torch.no_grad():
        last = model.hidden_states(ids, mask, types)[-1]
        logits = mlm(last)[0, pos]
    probs = torch.softmax(logits, dim=-1)
    top = torch.topk(probs, 5)
    result = [(vocab_tokens[i], float(p)) for p, i in zip(top.values.tolist(), top.indices.tolist())]
    print("MLM 'Paris is the [MASK] of France.' top-5: "
          + ", ".join("%s (%.3f)" % (tok, p) for tok, p in result))
    if result[0][0] != expect:
        raise SystemExit("MLM check failed: expected top token %r, got %r" % (expect, result[0][0]))
    return result


REFERENCE_TEXTS = [
    "Angela Merkel met Emmanuel Macron in Paris.",
    "Владимир Путин посетил Пекин (北京) в 2019 году.",
]


def reference(model, tokenizer, texts=REFERENCE_TEXTS, first=8, head=None, head_output="logits"):
    """Torch outputs for a few sentences, each run alone (batch 1, no padding)."""
    c = model.config if head is None else head.encoder.config
    cases = []
    for text in texts:
        tokens, ids, mask, types = encode(tokenizer, text)
        with torch.no_grad():
            out = (model if head is None else head)(ids, mask, types)[0].numpy().astype(np.float64)
        case = {
            "text": text,
            "tokens": tokens,
            "input_ids": ids[0].tolist(),
            "attention_mask": mask[0].tolist(),
            "token_type_ids": types[0].tolist(),
        }
        if head is None:
            case["features_first8"] = [[round(float(v), 6) for v in row[:first]] for row in out]
            # first 4 values of each concatenated layer block, and the row sums
            case["features_block_first4"] = [
                [[round(float(v), 6) for v in row[k * c.hidden_size:k * c.hidden_size + 4]]
                 for k in range(c.feature_layers)] for row in out]
            case["features_row_sum"] = [round(float(row.sum()), 4) for row in out]
        else:
            case[head_output] = [[round(float(v), 6) for v in row] for row in out]
        cases.append(case)
    doc = {
        "description": "torch reference outputs, each text run alone with batch size 1; "
                       "values rounded to 6 decimals; compare with an absolute tolerance of about 1e-3",
        "output": "features" if head is None else head_output,
        "cases": cases,
    }
    if head is None:
        doc["feature_dim"] = c.feature_dim
        doc["hidden_size"] = c.hidden_size
        doc["feature_layers"] = c.feature_layers
    return doc


def export_onnx(module, path, output_name, out_dim, seq=8, opset=14):
    ids = torch.ones((2, seq), dtype=torch.long)
    mask = torch.ones((2, seq), dtype=torch.long)
    types = torch.zeros((2, seq), dtype=torch.long)
    dyn = {"input_ids": {0: "batch", 1: "sequence"},
           "attention_mask": {0: "batch", 1: "sequence"},
           "token_type_ids": {0: "batch", 1: "sequence"},
           output_name: {0: "batch", 1: "sequence"}}
    tmp = path + ".tmp"
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, (ids, mask, types), tmp,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=[output_name], dynamic_axes=dyn,
                          opset_version=opset, do_constant_folding=True)
    fix_output_shape(tmp, output_name, out_dim)
    # ONNX Runtime does not fuse these patterns of the exporter by itself (see fuse.py for the measured gain)
    fuse.fuse_file(tmp, tmp, label=os.path.basename(path))
    check_onnx(tmp, output_name, out_dim)
    os.replace(tmp, path)


def fix_output_shape(path, output_name, out_dim):
    """Names the dynamic axes and states the static last dimension of the output
    (the exporter leaves it symbolic after the Concat)."""
    import onnx
    m = onnx.load(path)
    for value in list(m.graph.input) + list(m.graph.output):
        dims = value.type.tensor_type.shape.dim
        dims[0].dim_param = "batch"
        dims[1].dim_param = "sequence"
        if value.name == output_name:
            dims[2].Clear()
            dims[2].dim_value = out_dim
    onnx.save(m, path)


def check_onnx(path, output_name, expect_dim=None):
    import onnx
    onnx.checker.check_model(path)  # path form works for models above the 2 GB proto limit too
    m = onnx.load(path, load_external_data=False)
    inputs = [(i.name, i.type.tensor_type.elem_type) for i in m.graph.input]
    outputs = [o.name for o in m.graph.output]
    want = [("input_ids", onnx.TensorProto.INT64), ("attention_mask", onnx.TensorProto.INT64),
            ("token_type_ids", onnx.TensorProto.INT64)]
    if inputs != want or outputs != [output_name]:
        raise SystemExit("unexpected ONNX signature in %s: %s -> %s" % (path, inputs, outputs))
    if expect_dim is not None:
        dims = m.graph.output[0].type.tensor_type.shape.dim
        if dims[2].dim_value != expect_dim:
            raise SystemExit("unexpected last output dim %s" % dims[2])
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variables", required=True, help="TF checkpoint prefix (.../variables/variables)")
    ap.add_argument("--vocab", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    from tf_bundle import TensorBundle

    torch.manual_seed(0)
    t0 = time.time()
    bundle = TensorBundle(args.variables)
    config = config_from_bundle(bundle)
    vocab_tokens = vocab_list(args.vocab)
    if len(vocab_tokens) != config.vocab_size:
        raise SystemExit("vocab.txt has %d tokens but the embeddings %d" % (len(vocab_tokens), config.vocab_size))
    print("checkpoint: %d tensors, %d layers, hidden %d, heads %d, vocab %d"
          % (len(bundle.entries), config.num_layers, config.hidden_size, config.num_heads, config.vocab_size))
    model = BertEncoder(config).eval()
    mlm = MlmHead(config, model.word).eval() if has_mlm_head(bundle) else None
    used = load_from_bundle(bundle, model, mlm)
    unused = sorted(set(bundle.names()) - used)
    print("loaded weights in %.1fs; unused tensors: %s" % (time.time() - t0, ", ".join(unused) or "none"))

    tokenizer = FullTokenizer({t: i for i, t in enumerate(vocab_tokens)})
    if mlm is not None:
        mlm_check(model, mlm, tokenizer, vocab_tokens)
    else:
        print("WARNING: no masked-LM head in the checkpoint; skipping the MLM check")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "encoder.onnx")
    t1 = time.time()
    export_onnx(model, path, "features", config.feature_dim)
    print("exported %s (%.0f MB) in %.1fs" % (path, os.path.getsize(path) / 1e6, time.time() - t1))

    write_json(reference(model, tokenizer), os.path.join(args.out, "reference.json"), compact=True)
    print("wrote reference.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
