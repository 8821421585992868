"""Tiny random-weight M2M100/NLLB-style translation model, exported in the optimum seq2seq ONNX layout, plus
NMTScore-style reference scores for the Java side (no download, deterministic).

Command line: python3 tiny_m2m100.py OUT_DIR      (writes OUT_DIR/tiny-m2m100/)

    encoder_model.onnx            input_ids, attention_mask -> last_hidden_state
    decoder_model.onnx            input_ids, encoder_hidden_states, encoder_attention_mask
                                  -> logits, present.{i}.decoder.key/value, present.{i}.encoder.key/value
    decoder_with_past_model.onnx  input_ids, encoder_attention_mask, past_key_values.{i}.(decoder|encoder).(key|value)
                                  -> logits, present.{i}.decoder.key/value
    tokenizer.json                Unigram + Metaspace; <s> <pad> </s> <unk> = 0 1 2 3 and NLLB language codes
                                  (eng_Latn, spa_Latn, ...) as added tokens, template "eng_Latn $A </s>"
    config.json                   M2M100-style config + polyspan section (layout translation, language codes)
    nmt_reference.json            NMTScore-style scores (see below) for fixed inputs and for two projection requests
    translate_reference.json      translations by beam search (see below) of fixed source texts, for NmtTranslator

Architecture (M2M100 in miniature): embeddings scaled by sqrt(d_model), sinusoidal positions numbered from
padding_idx + 1 as in fairseq, pre-layer-norm blocks, attention scaled by 1/sqrt(head_dim), ReLU feed-forward, final
layer norms, LM head tied to the embeddings. Key/value caches are [batch, heads, length, head_dim] as in optimum's
M2M100 export. As in M2M100 and NLLB, the source is "<src_lang> tokens </s>", decoding starts from </s>
(decoder_start_token_id) and the first generated token is forced to the target language code, so the decoder input
for a target y is "</s> <tgt_lang> y" and the labels are "<tgt_lang> y </s>". Weights are random: the scores only
exercise the arithmetic, never translation quality.

The scores follow NMTScore's `score_direct` with normalize=True and both_directions=True, the setting T-Projection
uses (a = source span, b = target candidate):

    P(y | x) = 2 ** -(mean natural-log cross-entropy of the labels after the language code)
    score(a, b) = ( P(a | b) / P(a | a)  +  P(b | a) / P(b | b) ) / 2

with P(a | b) translating b (in b's language) into a's language, P(a | a) translating a into its own language.
Batches of 8 right-padded sequences, padded label positions ignored, as NMTScore does.

Translations follow M2M100 / NLLB generation: input "<src_lang> tokens </s>", decoder start </s>, the target language
code forced as the first output token (log-probability 0, counted in the length, as Hugging Face's forced_bos_token_id
does), then seq2seq_reference.free_beam_search (BeamSearch's algorithm) on logits recomputed without a cache, at
most min(max_length, 1 + ceil(2 n) + 10) output tokens for n source tokens. The text is the tokenizer's Metaspace
decoding with special tokens (language codes included) removed. Random weights: the translations are word salad.
"""

import itertools
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

import seq2seq_export
import unigram_vocab
from seq2seq_export import mask_bias
from seq2seq_reference import FreeRules, free_beam_search
from tiny_t5 import CHARS, WORDS

SEED = 20251123
D_MODEL, HEADS, D_FF, LAYERS, MAX_POS = 32, 2, 64, 2, 256
HEAD_DIM = D_MODEL // HEADS
BOS, PAD, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
LANGUAGE_CODES = ["eng_Latn", "spa_Latn", "deu_Latn", "fra_Latn", "ita_Latn", "rus_Cyrl", "zho_Hans", "zho_Hant"]
EXTRA_WORDS = """Obama visitó París la canciller alemana reunió con presidente en Berlín Naciones Unidas ayer
Europa Alemania Francia""".split()
BATCH = 8

# (a = source span, b = target candidate, a_lang, b_lang): NMTScore inputs checked one by one
SCORE_CASES = [
    ("Obama", "Obama", "eng_Latn", "spa_Latn"),
    ("Paris", "París", "eng_Latn", "spa_Latn"),
    ("Paris", "visitó París .", "eng_Latn", "spa_Latn"),
    ("Angela Merkel", "la canciller alemana", "eng_Latn", "spa_Latn"),
    ("United Nations", "Naciones Unidas", "eng_Latn", "spa_Latn"),
    ("Berlin", "Berlín", "eng_Latn", "deu_Latn"),
    ("Москва", "Moscú", "rus_Cyrl", "spa_Latn"),
    ("北京", "Pekín xyz", "zho_Hans", "spa_Latn"),
    ("unknownword", "Zürich Straße", "eng_Latn", "ita_Latn"),
    ("Google , United Nations and Europe", "Europa", "eng_Latn", "fra_Latn"),
]

# _project requests on token pairs: every target n-gram the Java side enumerates is scored
PROJECTION_PAIRS = [
    {"source": {"tokens": ["Obama", "visited", "Paris", "."], "tags": ["B-PER", "O", "B-LOC", "O"]},
     "target": {"tokens": ["Obama", "visitó", "París", "."]}},
    {"source": {"tokens": ["Angela", "Merkel", "met", "the", "United", "Nations", "in", "Berlin"],
                "tags": ["B-PER", "I-PER", "O", "O", "B-ORG", "I-ORG", "O", "B-LOC"]},
     "target": {"tokens": ["la", "canciller", "alemana", "reunió", "con", "Naciones", "Unidas", "en", "Berlín"]}},
]
PROJECTION_LANGS = ("en", "es", "eng_Latn", "spa_Latn")

# translate-first: (source text, source code, target code); the first two are the en->es sources of TranslateFirstIT
TRANSLATE_CASES = [
    ("Barack Obama visited Paris yesterday.", "eng_Latn", "spa_Latn"),
    ("The European Commission met in Berlin .", "eng_Latn", "spa_Latn"),
    ("Angela Merkel met the United Nations in Berlin", "eng_Latn", "deu_Latn"),
    ("Москва и Россия", "rus_Cyrl", "fra_Latn"),
    ("北京 東京 中国", "zho_Hans", "ita_Latn"),
    ("Zürich Straße", "deu_Latn", "eng_Latn"),
    ("Obama", "eng_Latn", "spa_Latn"),
]
# generation settings the Java side reads from config.json (polyspan.num_beams etc.; these are its defaults)
NUM_BEAMS, LENGTH_PENALTY, MAX_LENGTH, LENGTH_RATIO, LENGTH_EXTRA = 4, 1.0, 200, 2.0, 10


def vocab():
    v = unigram_vocab.Pieces(SPECIALS)
    v.add_words_and_chars(WORDS + EXTRA_WORDS, CHARS + "íóúá")
    first_code = len(v.pieces)
    for code in LANGUAGE_CODES:
        v.add(code, -20.0)
    return v.pieces, first_code


def sinusoids(n, d, padding_idx):
    """fairseq's table: sin over the first half, cos over the second, the padding row zero."""
    half = d // 2
    step = math.log(10000) / (half - 1)
    freq = torch.exp(torch.arange(half, dtype=torch.float) * -step)
    angles = torch.arange(n, dtype=torch.float)[:, None] * freq[None, :]
    table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    table[padding_idx] = 0
    return table


def positions(input_ids, past_len):
    """fairseq numbering: non-pad tokens count from padding_idx + 1 (+ past length), pads get padding_idx."""
    mask = input_ids.ne(PAD).long()
    return (torch.cumsum(mask, dim=1) + past_len) * mask + PAD


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(D_MODEL, D_MODEL)
        self.k = nn.Linear(D_MODEL, D_MODEL)
        self.v = nn.Linear(D_MODEL, D_MODEL)
        self.o = nn.Linear(D_MODEL, D_MODEL)

    def heads(self, x):  # [B, T, D] -> [B, H, T, Dh]
        return x.view(x.shape[0], x.shape[1], HEADS, HEAD_DIM).transpose(1, 2)

    def attend(self, q, k, v, bias):
        scores = torch.matmul(q * HEAD_DIM ** -0.5, k.transpose(2, 3)) + bias
        out = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2)
        return self.o(out.reshape(out.shape[0], out.shape[1], D_MODEL))


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.att, self.ln2 = nn.LayerNorm(D_MODEL), Attention(), nn.LayerNorm(D_MODEL)
        self.fc1, self.fc2 = nn.Linear(D_MODEL, D_FF), nn.Linear(D_FF, D_MODEL)

    def forward(self, x, bias):
        a = self.att
        h = self.ln1(x)
        x = x + a.attend(a.heads(a.q(h)), a.heads(a.k(h)), a.heads(a.v(h)), bias)
        return x + self.fc2(torch.relu(self.fc1(self.ln2(x))))


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.self_att = nn.LayerNorm(D_MODEL), Attention()
        self.ln2, self.cross_att = nn.LayerNorm(D_MODEL), Attention()
        self.ln3 = nn.LayerNorm(D_MODEL)
        self.fc1, self.fc2 = nn.Linear(D_MODEL, D_FF), nn.Linear(D_FF, D_MODEL)

    def forward(self, x, self_bias, past_k, past_v, enc_k, enc_v, cross_bias):
        a = self.self_att
        h = self.ln1(x)
        k, v = a.heads(a.k(h)), a.heads(a.v(h))
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        x = x + a.attend(a.heads(a.q(h)), k, v, self_bias)
        c = self.cross_att
        x = x + c.attend(c.heads(c.q(self.ln2(x))), enc_k, enc_v, cross_bias)
        x = x + self.fc2(torch.relu(self.fc1(self.ln3(x))))
        return x, k, v


class TinyM2M100(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.shared = nn.Embedding(vocab_size, D_MODEL, padding_idx=PAD)
        self.register_buffer("pos", sinusoids(MAX_POS, D_MODEL, PAD))
        self.encoder = nn.ModuleList([EncoderLayer() for _ in range(LAYERS)])
        self.enc_ln = nn.LayerNorm(D_MODEL)
        self.decoder = nn.ModuleList([DecoderLayer() for _ in range(LAYERS)])
        self.dec_ln = nn.LayerNorm(D_MODEL)

    def embed(self, input_ids, past_len=0):
        return self.shared(input_ids) * math.sqrt(D_MODEL) + self.pos[positions(input_ids, past_len)]

    def encode(self, input_ids, attention_mask):
        x = self.embed(input_ids)
        bias = mask_bias(attention_mask)
        for layer in self.encoder:
            x = layer(x, bias)
        return self.enc_ln(x)

    def cross_kv(self, enc):
        return seq2seq_export.cross_kv(self.decoder, enc)

    def decode(self, input_ids, encoder_attention_mask, cross, past=None):
        t = input_ids.shape[1]
        past_len = past[0][0].shape[2] if past is not None else 0
        x = self.embed(input_ids, past_len)
        qi = (torch.arange(t) + past_len)[:, None]
        kj = torch.arange(past_len + t)[None, :]
        self_bias = ((kj > qi).float() * -1e9)[None, None, :, :]
        cross_bias = mask_bias(encoder_attention_mask)
        present = []
        for i, layer in enumerate(self.decoder):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v = layer(x, self_bias, pk, pv, cross[i][0], cross[i][1], cross_bias)
            present.append((k, v))
        return torch.matmul(self.dec_ln(x), self.shared.weight.t()), present  # tied LM head, no bias


class Scorer:
    """NMTScore's direct translation probability on the torch model (full recomputation, no cache)."""

    def __init__(self, model, pieces):
        self.model = model
        self.pieces = pieces
        self.ids = {p: i for i, (p, _) in enumerate(pieces)}

    def tokens(self, text):
        return unigram_vocab.encode_text(text, self.pieces, len(SPECIALS), UNK)

    def likelihood(self, src_lang, tgt_lang, sources, hypotheses):
        """P(hypothesis | source) per pair, in batches of BATCH padded to the longest, as floats of float32."""
        out = []
        for lo in range(0, len(sources), BATCH):
            src = [[self.ids[src_lang]] + self.tokens(s) + [EOS] for s in sources[lo:lo + BATCH]]
            labels = [[self.ids[tgt_lang]] + self.tokens(h) + [EOS] for h in hypotheses[lo:lo + BATCH]]
            s_len, t_len = max(map(len, src)), max(map(len, labels))
            input_ids = torch.tensor([s + [PAD] * (s_len - len(s)) for s in src])
            attention = torch.tensor([[1] * len(s) + [0] * (s_len - len(s)) for s in src])
            label_ids = torch.tensor([l + [-100] * (t_len - len(l)) for l in labels])
            # decoder input: labels shifted right behind decoder_start_token_id, ignored positions as pad
            dec = torch.cat([torch.full((len(src), 1), EOS), label_ids[:, :-1]], dim=1)
            dec[dec == -100] = PAD
            cross = self.model.cross_kv(self.model.encode(input_ids, attention))
            logits, _ = self.model.decode(dec, attention, cross)
            for i in range(len(src)):
                # offset 1: the forced language code is not scored
                loss = nn.CrossEntropyLoss()(logits[i][1:].view(-1, logits.shape[-1]), label_ids[i][1:].view(-1))
                out.append(float(2 ** (-loss)))
        return out

    def score_direct(self, a, b, a_lang, b_lang):
        """normalize=True, both_directions=True; returns the score and its four likelihoods."""
        p_ab = self.likelihood(b_lang, a_lang, b, a)
        p_aa = self.likelihood(a_lang, a_lang, a, a)
        p_ba = self.likelihood(a_lang, b_lang, a, b)
        p_bb = self.likelihood(b_lang, b_lang, b, b)
        forward = np.array(p_ab) / np.array(p_aa)
        reverse = np.array(p_ba) / np.array(p_bb)
        return ((forward + reverse) / 2).tolist(), p_ab, p_aa, p_ba, p_bb


def spans_of(tags):
    """IOB2 tags -> (start, end, label) word spans."""
    spans, start, label = [], None, None
    for i, t in enumerate(tags + ["O"]):
        if start is not None and not t.startswith("I-"):
            spans.append((start, i, label))
            start = None
        if t.startswith("B-"):
            start, label = i, t[2:]
    return spans


def max_length(span_len):
    """The encoder scorer's candidate bound, reused for NMT candidates: max(len + 2, ceil(2 len))."""
    return max(span_len + 2, math.ceil(2.0 * span_len))


def best_selection(candidates, n):
    """Exhaustive global selection: one candidate (or none) per span, no overlaps, maximal total score."""
    options = [[None] + c for c in candidates]
    best, best_total = None, -1.0
    for choice in itertools.product(*options):
        taken = [False] * n
        ok, total = True, 0.0
        for c in choice:
            if c is None:
                continue
            if any(taken[c["start"]:c["end"]]):
                ok = False
                break
            taken[c["start"]:c["end"]] = [True] * (c["end"] - c["start"])
            total += c["score"]
        if ok and total > best_total:
            best, best_total = choice, total
    return [None if c is None else {"start": c["start"], "end": c["end"]} for c in best]


def projection_reference(scorer):
    out = []
    _, _, a_code, b_code = PROJECTION_LANGS
    for pair in PROJECTION_PAIRS:
        src, tgt = pair["source"]["tokens"], pair["target"]["tokens"]
        spans, per_span = spans_of(pair["source"]["tags"]), []
        for s, e, label in spans:
            a = " ".join(src[s:e])
            ranges = [(i, j) for i in range(len(tgt)) for j in range(i + 1, min(len(tgt), i + max_length(e - s)) + 1)]
            texts = [" ".join(tgt[i:j]) for i, j in ranges]
            scores = scorer.score_direct([a] * len(texts), texts, a_code, b_code)[0]
            per_span.append([{"start": i, "end": j, "text": t, "score": sc}
                             for (i, j), t, sc in zip(ranges, texts, scores)])
        out.append({"pair": pair, "spans": [{"start": s, "end": e, "label": l, "text": " ".join(src[s:e])}
                                            for s, e, l in spans],
                    "candidates": per_span, "selection": best_selection(per_span, len(tgt))})
    return out


def max_output_tokens(source_tokens):
    return min(MAX_LENGTH, 1 + math.ceil(LENGTH_RATIO * source_tokens) + LENGTH_EXTRA)


def metaspace_decode(ids, pieces, special_ids):
    """tokenizers' decode(skip_special_tokens=True) with the Metaspace decoder: special tokens dropped, ▁ -> space,
    the first remaining token loses its leading space."""
    text = "".join(pieces[i][0] for i in ids if i not in special_ids).replace("▁", " ")
    return text[1:] if text.startswith(" ") else text


def translate_reference(model, scorer, pieces, special_ids):
    cases = []
    for text, src_lang, tgt_lang in TRANSLATE_CASES:
        tokens = scorer.tokens(text)
        input_ids = [scorer.ids[src_lang]] + tokens + [EOS]
        ids = torch.tensor([input_ids])
        mask = torch.ones_like(ids)
        cross = model.cross_kv(model.encode(ids, mask))

        def next_logits(prefixes):  # every prefix of a step has the same length: one batch, recomputed without a cache
            rows = torch.tensor(prefixes)
            expanded = [(k.expand(len(prefixes), -1, -1, -1), v.expand(len(prefixes), -1, -1, -1)) for k, v in cross]
            logits, _ = model.decode(rows, mask.expand(len(prefixes), -1), expanded)
            return logits[:, -1].numpy().astype(np.float32)

        max_len = max_output_tokens(len(tokens))
        rules = FreeRules(len(pieces), EOS, max_len, forced=[scorer.ids[tgt_lang]])
        r = free_beam_search(next_logits, rules, NUM_BEAMS, LENGTH_PENALTY, EOS)
        cases.append({"text": text, "source_code": src_lang, "target_code": tgt_lang, "input_ids": input_ids,
                      "max_length": max_len, "tokens": r["tokens"], "log_probs": r["log_probs"],
                      "sum_log_prob": r["sum_log_prob"], "score": r["score"], "steps": r["steps"],
                      "translation": metaspace_decode(r["tokens"], pieces, special_ids)})
    return {"description": "beam search as org.polyspan.seq2seq.BeamSearch with the target language code forced first",
            "num_beams": NUM_BEAMS, "length_penalty": LENGTH_PENALTY, "cases": cases}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = os.path.join(argv[1], "tiny-m2m100")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    pieces, first_code = vocab()
    model = TinyM2M100(len(pieces)).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                nn.init.normal_(p, std=0.02)
            elif p.dim() > 1:
                nn.init.normal_(p, std=0.5 if name == "shared.weight" else 0.25)
        model.shared.weight[PAD].zero_()

    eng = LANGUAGE_CODES[0]
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(unigram_vocab.tokenizer_json(
            pieces, list(range(len(SPECIALS))) + list(range(first_code, len(pieces))), UNK,
            single=unigram_vocab.template_sequence([eng], ["</s>"]),
            pair=unigram_vocab.template_sequence([eng], ["</s>"])
            + [{"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            special_tokens={t: {"id": t, "ids": [pieces.index((t, s))], "tokens": [t]}
                            for t, s in pieces if t in (eng, "</s>")}), f, ensure_ascii=False)
    config = {
        "architectures": ["M2M100ForConditionalGeneration"], "model_type": "m2m100", "vocab_size": len(pieces),
        "d_model": D_MODEL, "encoder_layers": LAYERS, "decoder_layers": LAYERS, "encoder_attention_heads": HEADS,
        "decoder_attention_heads": HEADS, "encoder_ffn_dim": D_FF, "decoder_ffn_dim": D_FF,
        "activation_function": "relu", "scale_embedding": True, "max_position_embeddings": MAX_POS - PAD - 1,
        "bos_token_id": BOS, "pad_token_id": PAD, "eos_token_id": EOS, "decoder_start_token_id": EOS,
        "polyspan": {
            "layout": "translation",
            "description": "tiny random-weight M2M100-style test fixture with NLLB language codes",
            "language_codes": LANGUAGE_CODES,
        },
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)

    with torch.no_grad():
        seq2seq_export.export(model, out, torch.tensor([[first_code, 5, 6, 7, EOS]]),
                              torch.tensor([[EOS, first_code, 9]]), 11)
        scorer = Scorer(model, pieces)
        cases = []
        for a, b, a_lang, b_lang in SCORE_CASES:
            score, p_ab, p_aa, p_ba, p_bb = scorer.score_direct([a], [b], a_lang, b_lang)
            cases.append({"a": a, "b": b, "a_lang": a_lang, "b_lang": b_lang,
                          "a_ids": scorer.tokens(a), "b_ids": scorer.tokens(b),
                          "p_ab": p_ab[0], "p_aa": p_aa[0], "p_ba": p_ba[0], "p_bb": p_bb[0], "score": score[0]})
        # the same inputs in one batch: padding must not change a score
        batched = scorer.score_direct([c[0] for c in SCORE_CASES], [c[1] for c in SCORE_CASES], "eng_Latn", "spa_Latn")[0]
        reference = {
            "description": "NMTScore score_direct(normalize=True, both_directions=True) on the tiny model: "
                           "P(y|x) = 2 ** -mean_ln_loss, score = (P(a|b)/P(a|a) + P(b|a)/P(b|b)) / 2",
            "cases": cases,
            "batched_eng_spa": batched,
            "projection": {"source_language": PROJECTION_LANGS[0], "target_language": PROJECTION_LANGS[1],
                           "source_code": PROJECTION_LANGS[2], "target_code": PROJECTION_LANGS[3],
                           "pairs": projection_reference(scorer)},
        }
    with open(os.path.join(out, "nmt_reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
    with torch.no_grad():
        special_ids = set(range(len(SPECIALS))) | set(range(first_code, len(pieces)))
        translations = translate_reference(model, scorer, pieces, special_ids)
    with open(os.path.join(out, "translate_reference.json"), "w", encoding="utf-8") as f:
        json.dump(translations, f, ensure_ascii=False, indent=1)
    for c in translations["cases"]:
        print("  %s -> %s: %r -> %r (%d tokens)" % (c["source_code"], c["target_code"], c["text"], c["translation"],
                                                    len(c["tokens"])))
    n = sum(len(c) for p in reference["projection"]["pairs"] for c in p["candidates"])
    print("wrote tiny M2M100 fixture (vocab %d, %d score cases, %d projection candidates) to %s"
          % (len(pieces), len(cases), n, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
