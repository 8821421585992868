"""Tiny random-weight T5-style encoder-decoder, exported in the optimum seq2seq ONNX layout, plus a
reference decoding for the Java side (no download, deterministic).

Command line: python3 tiny_t5.py OUT_DIR      (writes OUT_DIR/tiny-t5/, OUT_DIR/tiny-t5-merged/, OUT_DIR/tiny-t5-spm/)

    encoder_model.onnx            input_ids, attention_mask -> last_hidden_state
    decoder_model.onnx            input_ids, encoder_hidden_states, encoder_attention_mask
                                  -> logits, present.{i}.decoder.key/value, present.{i}.encoder.key/value
    decoder_with_past_model.onnx  input_ids, encoder_attention_mask, past_key_values.{i}.(decoder|encoder).(key|value)
                                  -> logits, present.{i}.decoder.key/value
    tokenizer.json                SentencePiece-style Unigram with Metaspace (every word gets the ▁ prefix), "$A </s>"
    config.json                   T5-style config + polyspan section (layout seq2seq, labels, tags)
    reference.json                word/tag ids and the constrained beam-search output of seq2seq_reference.py,
                                  and under "tproj" the T-Projection candidate generation of the same module
    pipeline_reference.json       the spans seq2seq_reference.label_text gives whole texts (several scripts, a
                                  multi-sentence field, a sentence longer than max_input_tokens), UTF-16 offsets

tiny-t5-spm/ holds the same model with a SentencePiece model (spiece.model: the same pieces and scores, Unigram,
identity normalizer) instead of tokenizer.json; the recipe checks that SentencePiece segments every reference
word and tag exactly as tokenizer.json does.

tiny-t5-merged/ holds the same model with optimum's merged decoder instead of the two decoders:
    decoder_model_merged.onnx     an If node on use_cache_branch (bool [1]) whose else branch is decoder_model and
                                  whose then branch is decoder_with_past_model; inputs are the union of both, so the
                                  past inputs must be fed on the first step too; after the first step the encoder
                                  present outputs are empty constants of shape [0, heads, 1, d_kv]

Architecture (T5 in miniature): RMS layer norm, unscaled dot-product attention, ReLU feed-forward,
learned absolute positions instead of relative position buckets, untied LM head. Key/value caches
have shape [batch, heads, length, head_dim] as in optimum's T5 export. Weights are random: the
outputs only exercise shapes, caching and the decoding algorithm.
"""

import json
import os
import string
import sys

import numpy as np
import torch
from torch import nn

import onnx
from onnx import helper

import sentencepiece
from sentencepiece import sentencepiece_model_pb2

import seq2seq_export
import unigram_vocab
from seq2seq_export import mask_bias
from seq2seq_reference import TagAutomaton, beam_search, label_text, slot_beam_search, split_words, tproj_generate

SEED = 20240917
D_MODEL, HEADS, D_KV, D_FF, LAYERS, MAX_POS = 32, 2, 16, 64, 2, 512
PAD, EOS, UNK = 0, 1, 2
LABELS = ["PER", "ORG", "LOC"]
OPEN_TAGS = ["<%s>" % l for l in LABELS]
CLOSE_TAGS = ["</%s>" % l for l in LABELS]

WORDS = """the of and in to was for on with at from by met said visited Paris London Berlin New York
Angela Merkel Barack Obama John Smith Google United Nations Europe Germany France China Nairobi Lagos
Kenya Nigeria Amina Mohammed und der die in Straße München Zürich le la et président el los de
и в Москва Россия Путин 北京 東京 中国 日本 القاهرة محمد في""".split()
CHARS = (string.ascii_letters + string.digits + string.punctuation + "äöüßéèàçñ"
         + "абвгдежзийклмнопрстуфхцчшщыьэюяАБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
         + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" + "北京東京中国日本人大学会社年月日的是在了有")
TAG_PIECES = ["▁<", "▁</", ">"] + LABELS

REFERENCE_TEXTS = [
    "Angela Merkel met Barack Obama in Berlin .",
    "Amina Mohammed visited Nairobi , Kenya",
    "Москва и Путин",
    "北 京 在 東 京 , 中 国",
    "محمد في القاهرة",
    "Zürich Straße München der président",
    "Google , United Nations and Europe",
    "unknownword xyz 42",
]

# Whole field values for the REST integration test: labelled end to end by seq2seq_reference.label_text.
_LONG_SENTENCE = ("John Smith said Angela Merkel and Barack Obama and Amina Mohammed visited Paris , London , Berlin , "
                  "New York , Nairobi , Lagos , Kenya , Nigeria , Germany , France , China , Europe and the United "
                  "Nations with Google in München , Zürich and Москва , and said the der die le la el los de und et "
                  "were in Europe , and Angela Merkel met Barack Obama in New York and Paris and London with John "
                  "Smith of Google and the president of France , Germany and China , and Amina Mohammed said the "
                  "United Nations met in Lagos , Nigeria and Nairobi , Kenya with Путин in Москва and Россия")
PIPELINE_TEXTS = [
    "Angela Merkel met Barack Obama in Berlin.",
    "Die Straße in München und Zürich, sagte der président.",
    "Путин в Москва и Россия.",
    "北京在東京的大学。中国和日本。",
    "محمد في القاهرة",
    "Amina Mohammed 😀 visited Nairobi (Kenya) – xyz?",
    "Google, United Nations and Europe. Lagos and Nigeria! Paris, France? New York said Obama.",
    "Angela Merkel met Barack Obama in Berlin. Amina Mohammed visited Nairobi, Kenya. Путин в Москва. "
    "北京在東京。 محمد في القاهرة. " + _LONG_SENTENCE + ". Google and the United Nations met in Lagos.",
]

# T-Projection candidate generation: (target sentence, labels of the source spans), decoded at beam widths 1 and 4
TPROJ_CASES = [
    ("Obama visitó París .", ["PER", "LOC"]),
    ("Angela Merkel und Barack Obama in Berlin", ["PER", "PER", "LOC"]),
    ("Москва и Путин", ["LOC", "MISC"]),
    ("北 京 在 東 京", ["LOC", "LOC"]),
    ("the of the and the", ["MISC"]),
    ("Claim : la terapia mejora la supervivencia", ["Claim"]),
]
TPROJ_MAX_SPAN_WORDS = 4
TPROJ_BEAMS = (1, 4)


def vocab():
    v = unigram_vocab.Pieces(["<pad>", "</s>", "<unk>"])
    for p in TAG_PIECES:
        v.add(p, -4.0)
    v.add_words_and_chars(WORDS, CHARS)
    return v.pieces


def unigram_encode(word, pieces):
    return unigram_vocab.unigram_encode(word, pieces, 3, UNK)


def tokenizer_json(pieces):
    eos = [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}]
    return unigram_vocab.tokenizer_json(
        pieces, [0, 1, 2], UNK, single=eos, pair=eos + [{"Sequence": {"id": "B", "type_id": 0}},
                                                        {"SpecialToken": {"id": "</s>", "type_id": 0}}],
        special_tokens={"</s>": {"id": "</s>", "ids": [EOS], "tokens": ["</s>"]}})


class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + 1e-6))


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        inner = HEADS * D_KV
        self.q = nn.Linear(D_MODEL, inner, bias=False)
        self.k = nn.Linear(D_MODEL, inner, bias=False)
        self.v = nn.Linear(D_MODEL, inner, bias=False)
        self.o = nn.Linear(inner, D_MODEL, bias=False)

    def heads(self, x):  # [B, T, H*D] -> [B, H, T, D]
        return x.view(x.shape[0], x.shape[1], HEADS, D_KV).transpose(1, 2)

    def attend(self, q, k, v, bias):
        scores = torch.matmul(q, k.transpose(2, 3)) + bias  # T5: no 1/sqrt(d) scaling
        w = torch.softmax(scores.float(), dim=-1)
        out = torch.matmul(w, v).transpose(1, 2)
        return self.o(out.reshape(out.shape[0], out.shape[1], HEADS * D_KV))


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.att, self.ln2 = RMSNorm(D_MODEL), Attention(), RMSNorm(D_MODEL)
        self.wi, self.wo = nn.Linear(D_MODEL, D_FF, bias=False), nn.Linear(D_FF, D_MODEL, bias=False)

    def forward(self, x, bias):
        h = self.ln1(x)
        x = x + self.att.attend(self.att.heads(self.att.q(h)), self.att.heads(self.att.k(h)),
                                self.att.heads(self.att.v(h)), bias)
        return x + self.wo(torch.relu(self.wi(self.ln2(x))))


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.self_att = RMSNorm(D_MODEL), Attention()
        self.ln2, self.cross_att = RMSNorm(D_MODEL), Attention()
        self.ln3 = RMSNorm(D_MODEL)
        self.wi, self.wo = nn.Linear(D_MODEL, D_FF, bias=False), nn.Linear(D_FF, D_MODEL, bias=False)

    def forward(self, x, self_bias, past_k, past_v, enc_k, enc_v, cross_bias):
        a = self.self_att
        h = self.ln1(x)
        k = a.heads(a.k(h))
        v = a.heads(a.v(h))
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        x = x + a.attend(a.heads(a.q(h)), k, v, self_bias)
        c = self.cross_att
        x = x + c.attend(c.heads(c.q(self.ln2(x))), enc_k, enc_v, cross_bias)
        x = x + self.wo(torch.relu(self.wi(self.ln3(x))))
        return x, k, v


class TinyT5(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.shared = nn.Embedding(vocab_size, D_MODEL)
        self.enc_pos = nn.Embedding(MAX_POS, D_MODEL)
        self.dec_pos = nn.Embedding(MAX_POS, D_MODEL)
        self.encoder = nn.ModuleList([EncoderLayer() for _ in range(LAYERS)])
        self.enc_ln = RMSNorm(D_MODEL)
        self.decoder = nn.ModuleList([DecoderLayer() for _ in range(LAYERS)])
        self.dec_ln = RMSNorm(D_MODEL)
        self.lm_head = nn.Linear(D_MODEL, vocab_size, bias=True)

    def encode(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.shape[1])[None, :]
        x = self.shared(input_ids) + self.enc_pos(pos)
        bias = mask_bias(attention_mask)
        for layer in self.encoder:
            x = layer(x, bias)
        return self.enc_ln(x)

    def cross_kv(self, enc):
        return seq2seq_export.cross_kv(self.decoder, enc)

    def decode(self, input_ids, encoder_attention_mask, cross, past=None):
        t = input_ids.shape[1]
        past_len = past[0][0].shape[2] if past is not None else 0
        pos = (torch.arange(t) + past_len)[None, :]
        x = self.shared(input_ids) + self.dec_pos(pos)
        total = past_len + t
        # causal: query i (absolute past_len + i) sees keys 0 .. past_len + i
        qi = (torch.arange(t) + past_len)[:, None]
        kj = torch.arange(total)[None, :]
        self_bias = ((kj > qi).float() * -1e9)[None, None, :, :]
        cross_bias = mask_bias(encoder_attention_mask)
        present = []
        for i, layer in enumerate(self.decoder):
            pk, pv = (past[i] if past is not None else (None, None))
            x, k, v = layer(x, self_bias, pk, pv, cross[i][0], cross[i][1], cross_bias)
            present.append((k, v))
        return self.lm_head(self.dec_ln(x)), present


def pipeline_reference(model, pieces, open_paths, close_paths, poly):
    """PIPELINE_TEXTS labelled as the processor labels a field value: words, sentences, windows of at most
    max_input_tokens encoder tokens (the suffix </s> included) overlapping by max_input_tokens / 4 in a long sentence,
    beam search per window on torch logits (no cache, one window at a time)."""
    beam = poly["num_beams"]

    def decode_window(word_ids):
        input_ids = [t for w in word_ids for t in w] + [EOS]
        ids = torch.tensor([input_ids])
        cross = model.cross_kv(model.encode(ids, torch.ones_like(ids)))

        def next_logits(prefixes):  # every prefix of a step has the same length: one batch, recomputed from scratch
            n = len(prefixes)
            c = [(k.expand(n, -1, -1, -1), v.expand(n, -1, -1, -1)) for k, v in cross]
            logits, _ = model.decode(torch.tensor(prefixes), torch.ones(n, len(input_ids), dtype=torch.long), c)
            return logits[:, -1].numpy().astype(np.float32)

        automaton = TagAutomaton(word_ids, open_paths, close_paths, EOS)
        return beam_search(next_logits, automaton, beam, poly["length_penalty"], PAD)

    stride = poly["max_input_tokens"] // 4
    texts = [label_text(t, lambda w: unigram_encode(w, pieces), decode_window, poly["max_input_tokens"] - 1, stride,
                        LABELS) for t in PIPELINE_TEXTS]
    return {"num_beams": beam, "max_input_tokens": poly["max_input_tokens"], "stride": stride, "texts": texts}


def merge_decoders(decoder_path, with_past_path):
    """optimum's decoder_model_merged.onnx layout, built from the two decoders: one If node on use_cache_branch."""
    dec = onnx.load(decoder_path)
    past = onnx.load(with_past_path)
    if dec.opset_import[0].version != past.opset_import[0].version:
        raise ValueError("the two decoders have different opsets")

    def branch(model, tag, outputs, extra_nodes):
        g = model.graph
        keep = {i.name for i in dec.graph.input} | {i.name for i in past.graph.input} | {o.name for o in outputs}
        rename = lambda n: n if (not n or n in keep) else tag + n  # internal names stay apart between branches
        nodes = []
        for node in g.node:
            node.name = tag + node.name
            node.input[:] = [rename(n) for n in node.input]
            node.output[:] = [rename(n) for n in node.output]
            nodes.append(node)
        inits = []
        for init in g.initializer:
            init.name = rename(init.name)
            inits.append(init)
        return helper.make_graph(nodes + extra_nodes, tag.strip("_"), [], outputs, inits)

    outputs = list(dec.graph.output)
    past_outputs = {o.name for o in past.graph.output}
    placeholders = []
    for o in outputs:
        if o.name not in past_outputs:  # present.*.encoder.*: the cache branch does not recompute them
            dims = [0] + [d.dim_value if d.dim_value else 1 for d in o.type.tensor_type.shape.dim[1:]]
            placeholders.append(helper.make_node(
                "Constant", [], [o.name], name="placeholder_" + o.name,
                value=helper.make_tensor(o.name + "_empty", o.type.tensor_type.elem_type, dims, [])))
    no_past = branch(dec, "no_past_", outputs, [])
    with_past = branch(past, "with_past_", outputs, placeholders)
    inputs, seen = [], set()
    for i in list(dec.graph.input) + list(past.graph.input):
        if i.name not in seen:
            seen.add(i.name)
            inputs.append(i)
    use_cache = helper.make_tensor_value_info("use_cache_branch", onnx.TensorProto.BOOL, [1])
    node = helper.make_node("If", ["use_cache_branch"], [o.name for o in outputs], name="if_use_cache_branch",
                            then_branch=with_past, else_branch=no_past)
    graph = helper.make_graph([node], "merged", inputs + [use_cache], outputs)
    merged = helper.make_model(graph, producer_name="polyspan-tiny-t5", opset_imports=list(dec.opset_import))
    merged.ir_version = dec.ir_version
    onnx.checker.check_model(merged)
    return merged


def spm_model(pieces):
    """A SentencePiece Unigram model with exactly the tokenizer.json pieces and scores (ids follow piece order)."""
    m = sentencepiece_model_pb2.ModelProto()
    kinds = {"<pad>": m.SentencePiece.CONTROL, "</s>": m.SentencePiece.CONTROL, "<unk>": m.SentencePiece.UNKNOWN}
    for p, score in pieces:
        piece = m.pieces.add()
        piece.piece, piece.score = p, score
        piece.type = kinds.get(p, m.SentencePiece.NORMAL)
    t = m.trainer_spec
    t.model_type = sentencepiece_model_pb2.TrainerSpec.UNIGRAM
    t.vocab_size = len(pieces)
    t.pad_id, t.eos_id, t.unk_id, t.bos_id = PAD, EOS, UNK, -1
    n = m.normalizer_spec
    n.name = "identity"
    n.add_dummy_prefix = True
    n.remove_extra_whitespaces = True
    n.escape_whitespaces = True
    return m.SerializeToString()


def write_spm(split_dir, out, config, pieces):
    """tiny-t5-spm: the split decoders with spiece.model in place of tokenizer.json."""
    os.makedirs(out, exist_ok=True)
    model = spm_model(pieces)
    sp = sentencepiece.SentencePieceProcessor(model_proto=model)
    words = {w for t in REFERENCE_TEXTS for w in t.split(" ")} | set(OPEN_TAGS) | set(CLOSE_TAGS)
    words |= {t[s:e] for t in PIPELINE_TEXTS for s, e in split_words(t)}
    for w in sorted(words):
        if sp.encode(w) != unigram_encode(w, pieces):
            raise AssertionError("SentencePiece segments %r as %s, tokenizer.json as %s"
                                 % (w, sp.encode(w), unigram_encode(w, pieces)))
    with open(os.path.join(out, "spiece.model"), "wb") as f:
        f.write(model)
    write_twin(split_dir, out, config, "SentencePiece model", ("encoder_model.onnx", "decoder_model.onnx",
               "decoder_with_past_model.onnx", "reference.json", "pipeline_reference.json"))
    return len(words)


def write_merged(split_dir, out, config):
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".onnx"):
            os.remove(os.path.join(out, f))
    onnx.save(merge_decoders(os.path.join(split_dir, "decoder_model.onnx"),
                             os.path.join(split_dir, "decoder_with_past_model.onnx")),
              os.path.join(out, "decoder_model_merged.onnx"))
    write_twin(split_dir, out, config, "merged decoder", ("encoder_model.onnx", "tokenizer.json", "reference.json",
                                                         "pipeline_reference.json"))


def write_twin(split_dir, out, config, difference, files):
    """A twin of tiny-t5 in out: the given files copied from it, and its config saying how the twin differs."""
    for f in files:
        with open(os.path.join(split_dir, f), "rb") as src, open(os.path.join(out, f), "wb") as dst:
            dst.write(src.read())
    twin_config = json.loads(json.dumps(config))
    twin_config["polyspan"]["description"] = "tiny random-weight T5-style test fixture, " + difference
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(twin_config, f, indent=2)


def encode_string(s, pieces):
    """A string as the tokenizer encodes it without special tokens: Metaspace splits on spaces, each chunk
    gets the ▁ prefix and is segmented on its own."""
    return [t for chunk in s.split(" ") if chunk for t in unigram_encode(chunk, pieces)]


def tproj_reference(model, pieces):
    configured = {l: (o, c) for l, o, c in zip(LABELS, OPEN_TAGS, CLOSE_TAGS)}
    cases = []
    for text, slots in TPROJ_CASES:
        words = text.split(" ")
        body, automaton = tproj_generate(lambda s: encode_string(s, pieces), words, slots, configured,
                                         TPROJ_MAX_SPAN_WORDS, EOS)
        input_ids = body + [EOS]
        assert len(input_ids) <= 64, "keep the T-Projection cases within max_input_tokens"
        ids = torch.tensor([input_ids])
        cross = model.cross_kv(model.encode(ids, torch.ones_like(ids)))

        def next_logits(prefixes):
            rows = []
            for p in prefixes:  # full recomputation, no cache
                logits, _ = model.decode(torch.tensor([p]), torch.ones_like(ids), cross)
                rows.append(logits[0, -1].numpy().astype(np.float32))
            return np.stack(rows)

        results = {str(beam): slot_beam_search(next_logits, automaton, beam, 1.0, PAD) for beam in TPROJ_BEAMS}
        cases.append({"text": text, "slots": slots, "input_ids": input_ids, "results": results})
    return {"max_span_words": TPROJ_MAX_SPAN_WORDS, "length_penalty": 1.0, "cases": cases}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = os.path.join(argv[1], "tiny-t5")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    pieces = vocab()
    model = TinyT5(len(pieces)).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=0.5 if "lm_head" in name else 0.3 if "shared" in name or "pos" in name else 0.25)
        model.lm_head.bias.zero_()
        # random weights would rarely open a tag; raise the tag pieces so outputs contain spans
        for p in TAG_PIECES:
            model.lm_head.bias[[q for q, _ in pieces].index(p)] = 1.0

    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(pieces), f, ensure_ascii=False)
    config = {
        "architectures": ["PolyspanTinyT5"], "model_type": "t5", "vocab_size": len(pieces),
        "d_model": D_MODEL, "d_kv": D_KV, "d_ff": D_FF, "num_heads": HEADS, "num_layers": LAYERS,
        "num_decoder_layers": LAYERS, "decoder_start_token_id": PAD, "eos_token_id": EOS, "pad_token_id": PAD,
        "polyspan": {
            "layout": "seq2seq",
            "description": "tiny random-weight T5-style test fixture",
            "labels": LABELS,
            "tags": {l: [o, c] for l, o, c in zip(LABELS, OPEN_TAGS, CLOSE_TAGS)},
            "num_beams": 3, "length_penalty": 1.0, "max_input_tokens": 64,
        },
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)

    with torch.no_grad():
        seq2seq_export.export(model, out, torch.tensor([[5, 6, 7, EOS]]), torch.tensor([[PAD, 9]]), 11)
        open_paths = [unigram_encode(t, pieces) for t in OPEN_TAGS]
        close_paths = [unigram_encode(t, pieces) for t in CLOSE_TAGS]
        cases = []
        for text in REFERENCE_TEXTS:
            words = text.split(" ")
            word_ids = [unigram_encode(w, pieces) for w in words]
            input_ids = [t for w in word_ids for t in w] + [EOS]
            ids = torch.tensor([input_ids])
            enc = model.encode(ids, torch.ones_like(ids))
            cross = model.cross_kv(enc)

            def next_logits(prefixes):
                rows = []
                for p in prefixes:  # full recomputation, no cache: an independent check of the Java cache
                    logits, _ = model.decode(torch.tensor([p]), torch.ones_like(ids), cross)
                    rows.append(logits[0, -1].numpy().astype(np.float32))
                return np.stack(rows)

            first = next_logits([[PAD]])[0]
            results = {}
            for beam in (1, 3):
                automaton = TagAutomaton(word_ids, open_paths, close_paths, EOS)
                results[str(beam)] = beam_search(next_logits, automaton, beam, 1.0, PAD)
            cases.append({"text": text, "words": words, "word_ids": word_ids, "input_ids": input_ids,
                          "first_logits": [float(v) for v in first[:8]], "results": results})
        pipeline = pipeline_reference(model, pieces, open_paths, close_paths, config["polyspan"])
        tproj = tproj_reference(model, pieces)
    reference = {"open_paths": open_paths, "close_paths": close_paths, "length_penalty": 1.0, "cases": cases,
                 "tproj": tproj}
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
    with open(os.path.join(out, "pipeline_reference.json"), "w", encoding="utf-8") as f:
        json.dump(pipeline, f, ensure_ascii=False, indent=1)
    write_merged(out, os.path.join(argv[1], "tiny-t5-merged"), config)
    checked = write_spm(out, os.path.join(argv[1], "tiny-t5-spm"), config, pieces)
    spans = sum(len(r["spans"]) for c in cases for r in c["results"].values())
    outputs = sum(len(r) for c in tproj["cases"] for r in c["results"].values())
    print("wrote tiny T5 fixture (vocab %d, %d reference decodings, %d spans, %d T-Projection outputs; %d texts labelled "
          "end to end, %d spans) to %s, with its merged-decoder and SentencePiece twins (%d words segmented alike)"
          % (len(pieces), 2 * len(cases), spans, outputs, len(pipeline["texts"]),
             sum(len(t["spans"]) for t in pipeline["texts"]), out, checked))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
