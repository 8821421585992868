"""SentencePiece-style Unigram vocabularies for the tiny seq2seq fixtures: a Python segmenter that gives the same ids
as the tokenizers library's Unigram model, and the matching tokenizer.json (Metaspace, every word gets the ▁ prefix).

Shared by tiny_t5.py and tiny_m2m100.py.
"""

import math


class Pieces:
    """A Unigram vocabulary being built in id order: the special tokens first (score 0), then each piece once, with a
    tiny per-piece offset that keeps every segmentation score distinct (no ties)."""

    def __init__(self, specials):
        self.pieces = [(s, 0.0) for s in specials]
        self.seen = set(specials)

    def add(self, piece, score):
        if piece not in self.seen:
            self.seen.add(piece)
            self.pieces.append((piece, score - 1e-4 * len(self.pieces)))

    def add_words_and_chars(self, words, chars):
        """Whole words as ▁-prefixed pieces, then the bare ▁, then every character with and without ▁: any text
        segments, known words in one piece."""
        for w in words:
            self.add("▁" + w, -5.0)
        self.add("▁", -12.0)
        for c in chars:
            self.add("▁" + c, -9.0)
            self.add(c, -10.0)


def unigram_encode(word, pieces, n_special, unk_id):
    """Viterbi segmentation of '▁' + word, the same as the tokenizers library's Unigram model: the first n_special
    pieces never match text, unknown characters score min_score - 10 and consecutive unknowns fuse into one unk."""
    score = {p: s for p, s in pieces[n_special:]}
    index = {p: i for i, (p, _) in enumerate(pieces)}
    unk_score = min(s for _, s in pieces[n_special:]) - 10.0
    text = "▁" + word
    n = len(text)
    best = [(-math.inf, None, None)] * (n + 1)  # (score, start, piece-or-None for unk)
    best[0] = (0.0, None, None)
    maxlen = max(len(p) for p in score)
    for end in range(1, n + 1):
        for start in range(max(0, end - maxlen), end):
            if best[start][0] == -math.inf:
                continue
            p = text[start:end]
            if p in score:
                s = best[start][0] + score[p]
                if s > best[end][0]:
                    best[end] = (s, start, p)
        if best[end][0] == -math.inf or best[end][1] is None:
            s = best[end - 1][0] + unk_score
            if best[end][0] == -math.inf:
                best[end] = (s, end - 1, None)
    out = []
    end = n
    while end > 0:
        _, start, p = best[end]
        out.append(unk_id if p is None else index[p])
        end = start
    out.reverse()
    fused = []
    for t in out:
        if t == unk_id and fused and fused[-1] == unk_id:
            continue
        fused.append(t)
    return fused


def encode_text(text, pieces, n_special, unk_id):
    """A text split on whitespace, each word segmented as above (what Metaspace + Unigram do to the whole text)."""
    return [t for w in text.split() for t in unigram_encode(w, pieces, n_special, unk_id)]


def tokenizer_json(pieces, special_ids, unk_id, single, pair, special_tokens):
    """tokenizer.json for a Unigram vocabulary.

    special_ids: ids of the added (special) tokens; single / pair: TemplateProcessing sequences;
    special_tokens: the template's special token map."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": pieces[i][0], "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for i in special_ids
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "post_processor": {"type": "TemplateProcessing", "single": single, "pair": pair,
                           "special_tokens": special_tokens},
        "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": unk_id, "vocab": [[p, s] for p, s in pieces], "byte_fallback": False},
    }


def template_sequence(prefix, suffix):
    """A TemplateProcessing sequence: special tokens before $A, then $A, then special tokens after."""
    return ([{"SpecialToken": {"id": t, "type_id": 0}} for t in prefix] + [{"Sequence": {"id": "A", "type_id": 0}}]
            + [{"SpecialToken": {"id": t, "type_id": 0}} for t in suffix])
