"""Reference implementation of Polyspan's text-to-text constrained decoding (numpy), mirroring
org.polyspan.seq2seq.TagAutomaton and BeamSearch step for step, so the Java code can be checked
against it on the tiny fixture.

Beam search, exactly as the Java side:
  * one hypothesis to start (the decoder start token);
  * candidates: for each live hypothesis b (beam order) and each allowed token t (ascending),
    score = sum_b + log_softmax(logits_b)[t], log-softmax over the full vocabulary in float64;
  * sort by (-score, b, t); an EOS candidate finishes, others fill the next beam up to width k;
  * stop when k hypotheses finished or none is live;
  * finished score = sum / n ** length_penalty (n = output tokens incl. EOS); best wins, ties to
    the first finished.
"""

import numpy as np

FREE, IN_WORD, OPENING, INSIDE, CLOSING, DONE = range(6)


class TagAutomaton:
    def __init__(self, words, open_paths, close_paths, eos):
        assert all(len(w) > 0 for w in words)
        self.words = [list(w) for w in words]
        self.close_paths = [list(p) for p in close_paths]
        self.eos = eos
        # trie: per node, ordered list of (token, child); label per node
        self.trie = [[]]
        self.trie_label = [-1]
        for l, path in enumerate(open_paths):
            node = 0
            for tok in path:
                assert self.trie_label[node] < 0, "tag paths must be prefix-free"
                nxt = dict(self.trie[node]).get(tok)
                if nxt is None:
                    self.trie.append([])
                    self.trie_label.append(-1)
                    nxt = len(self.trie) - 1
                    self.trie[node].append((tok, nxt))
                node = nxt
            assert not self.trie[node] and self.trie_label[node] < 0, "tag paths must be prefix-free"
            self.trie_label[node] = l

    # a reading: (mode, word, sub, label, pos, copied, span_word, span_token, spans_tuple)
    def start(self):
        return ([(FREE, 0, 0, -1, 0, False, -1, -1, ())], 0)

    def _allowed(self, r):
        mode, w, sub, label, pos, copied = r[:6]
        if mode == FREE:
            if w == len(self.words):
                return [self.eos]
            return [self.words[w][0]] + [t for t, _ in self.trie[0]]
        if mode == IN_WORD:
            return [self.words[w][sub]]
        if mode == OPENING:
            return [t for t, _ in self.trie[pos]]
        if mode == INSIDE:
            close = self.close_paths[label][0]
            if w == len(self.words):
                return [close]
            return [self.words[w][0], close] if copied else [self.words[w][0]]
        if mode == CLOSING:
            return [self.close_paths[label][pos]]
        return []

    def allowed(self, state):
        out = set()
        for r in state[0]:
            out.update(self._allowed(r))
        return sorted(out)

    def _after_sub(self, r, sub):
        mode, w, _, label, pos, copied, sw, st, spans = r
        if sub + 1 < len(self.words[w]):
            return (IN_WORD, w, sub + 1, label, 0, copied, sw, st, spans)
        is_open = label >= 0
        return (INSIDE if is_open else FREE, w + 1, 0, label, 0, is_open, sw, st, spans)

    def _enter(self, r, node, span_token):
        w, spans = r[1], r[8]
        if self.trie_label[node] >= 0:
            return (INSIDE, w, 0, self.trie_label[node], 0, False, w, span_token, spans)
        return (OPENING, w, 0, -1, node, False, w, span_token, spans)

    def _after_close(self, r, pos, t):
        mode, w, _, label, _, _, sw, st, spans = r
        if pos + 1 < len(self.close_paths[label]):
            return (CLOSING, w, 0, label, pos + 1, True, sw, st, spans)
        return (FREE, w, 0, -1, 0, False, -1, -1, spans + ((label, sw, w, st, t + 1),))

    def _step(self, r, tok, t):
        mode, w, sub, label, pos, copied = r[:6]
        out = []
        if mode == FREE:
            if w == len(self.words):
                if tok == self.eos:
                    out.append((DONE, w, 0, -1, 0, False, -1, -1, r[8]))
                return out
            if self.words[w][0] == tok:
                out.append(self._after_sub(r, 0))
            child = dict(self.trie[0]).get(tok)
            if child is not None:
                out.append(self._enter(r, child, t))
        elif mode == IN_WORD:
            if self.words[w][sub] == tok:
                out.append(self._after_sub(r, sub))
        elif mode == OPENING:
            child = dict(self.trie[pos]).get(tok)
            if child is not None:
                out.append(self._enter(r, child, r[7]))
        elif mode == INSIDE:
            if w < len(self.words) and self.words[w][0] == tok:
                out.append(self._after_sub(r, 0))
            if copied and self.close_paths[label][0] == tok:
                out.append(self._after_close(r, 0, t))
        elif mode == CLOSING:
            if self.close_paths[label][pos] == tok:
                out.append(self._after_close(r, pos, t))
        return out

    def advance(self, state, tok):
        readings, t = state
        nxt, seen = [], set()
        for r in readings:
            for s in self._step(r, tok, t):
                if s[:8] not in seen:
                    seen.add(s[:8])
                    nxt.append(s)
        return (nxt, t + 1)

    def spans(self, state):
        for r in state[0]:
            if r[0] == DONE:
                return [list(s) for s in r[8]]
        raise ValueError("not final")


def log_softmax64(row):
    row = np.asarray(row, dtype=np.float64)
    m = row.max()
    return row - (m + np.log(np.exp(row - m).sum()))


def _beam_steps(next_logits, automaton, beam_width, length_penalty, decoder_start):
    """The steps every search shares. next_logits(list_of_prefixes) -> float32 array [rows, vocab]; prefixes start
    with decoder_start. Returns the finished hypotheses in the order they finished, and the number of steps.
    An automaton may force a token on a hypothesis of a given length (forced(length), its only candidate, with
    log-probability 0) and decide when a hypothesis finishes (finishes(token, length); default: the token is EOS)."""
    forced = getattr(automaton, "forced", lambda length: None)
    finishes = getattr(automaton, "finishes", lambda t, length: t == automaton.eos)
    beams = [dict(tokens=[], lps=[], sum=0.0, state=automaton.start())]
    finished = []
    steps = 0
    while beams and len(finished) < beam_width:
        logits = next_logits([[decoder_start] + b["tokens"] for b in beams])
        steps += 1
        cands = []
        for b, hyp in enumerate(beams):
            f = forced(len(hyp["tokens"]))
            if f is not None:
                cands.append((hyp["sum"], b, f, 0.0))
                continue
            lp = log_softmax64(logits[b])
            for t in automaton.allowed(hyp["state"]):
                cands.append((hyp["sum"] + lp[t], b, t, lp[t]))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        nxt = []
        for score, b, t, lp in cands:
            h = beams[b]
            child = dict(tokens=h["tokens"] + [t], lps=h["lps"] + [float(lp)], sum=float(score),
                         state=automaton.advance(h["state"], t))
            if finishes(t, len(child["tokens"])):
                child["score"] = float(score) / (len(child["tokens"]) ** length_penalty)
                finished.append(child)
            else:
                nxt.append(child)
                if len(nxt) == beam_width:
                    break
        beams = nxt
    return finished, steps


def _best(finished):
    """The highest-scoring finished hypothesis; ties go to the one that finished first."""
    best = 0
    for i in range(1, len(finished)):
        if finished[i]["score"] > finished[best]["score"]:
            best = i
    return finished[best]


def beam_search(next_logits, automaton, beam_width, length_penalty, decoder_start):
    """The best finished output (ties to the one that finished first)."""
    finished, steps = _beam_steps(next_logits, automaton, beam_width, length_penalty, decoder_start)
    h = _best(finished)
    return dict(tokens=h["tokens"], log_probs=h["lps"], sum_log_prob=h["sum"], score=h["score"],
                spans=automaton.spans(h["state"]), steps=steps)




class FreeRules:
    """Unconstrained search, as BeamSearch.searchUnconstrained(Batch) does it: every token is a candidate; a hypothesis
    of max_length output tokens finishes without EOS; the first len(forced) output tokens are forced, each the only
    candidate of its step with log-probability 0 (Hugging Face's forced_bos_token_id sets every other log-probability
    to -inf after the log-softmax), and count as output tokens in the length normalisation."""

    def __init__(self, vocab, eos, max_length, forced=()):
        self.vocab, self.eos, self.max_length, self.forced_tokens = vocab, eos, max_length, list(forced)

    def start(self):
        return None

    def allowed(self, state):
        return range(self.vocab)

    def advance(self, state, t):
        return None

    def forced(self, length):
        return self.forced_tokens[length] if length < len(self.forced_tokens) else None

    def finishes(self, t, length):
        return t == self.eos or length >= self.max_length


def free_beam_search(next_logits, rules, beam_width, length_penalty, decoder_start):
    """The best finished output of an unconstrained search under FreeRules (ties to the one that finished first)."""
    finished, steps = _beam_steps(next_logits, rules, beam_width, length_penalty, decoder_start)
    h = _best(finished)
    return dict(tokens=h["tokens"], log_probs=h["lps"], sum_log_prob=h["sum"], score=h["score"], steps=steps)


# ---------------------------------------------------------------- whole texts, as Seq2SeqLabeler labels them
# Words (org.polyspan.labeling.WordSplitter), sentences (SentenceSegmenter) and windows are mirrored here so that the
# expected spans of a text come from Python alone. Offsets are UTF-16 code units, as Java strings count them.

import unicodedata

_CJK = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def _is_separator(c):
    cat = unicodedata.category(c)
    # format characters (Cf) stay inside words, as in BERT's text cleaning, which deletes them and joins both sides
    return c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f" or cat in ("Zs", "Zl", "Zp") or ord(c) == 0 or cat == "Cc"


def _is_standalone(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P") or any(a <= cp <= b for a, b in _CJK)


def split_words(text):
    """Word (start, end) code point offsets: whitespace separates, punctuation and CJK ideographs stand alone."""
    words, start = [], -1
    for i, c in enumerate(text):
        if _is_separator(c):
            if start >= 0:
                words.append((start, i))
                start = -1
        elif _is_standalone(c):
            if start >= 0:
                words.append((start, i))
                start = -1
            words.append((i, i + 1))
        elif start < 0:
            start = i
    if start >= 0:
        words.append((start, len(text)))
    return words


def utf16(text, i):
    return len(text[:i].encode("utf-16-le")) // 2


def sentence_starts(text, words):
    """First word of every sentence: after . ! ? when the next word opens a sentence and the word before is not a
    short capitalised abbreviation; always after the CJK marks."""
    starts = [0] if words else []
    for i in range(1, len(words) - 1):
        s, e = words[i]
        if utf16(text, e) - utf16(text, s) != 1:
            continue
        c = text[s]
        prev = text[words[i - 1][0]:words[i - 1][1]]
        nxt = unicodedata.category(text[words[i + 1][0]])
        abbreviation = len(prev.encode("utf-16-le")) // 2 <= 2 and unicodedata.category(prev[0]) == "Lu"
        opens = nxt in ("Lu", "Nd", "Lt") or (nxt.startswith("L") and nxt != "Ll")
        if c in "。！？" or (c in ".!?" and not abbreviation and opens):
            starts.append(i + 1)
    return starts


def windows(word_ids, starts, budget, stride):
    """Per sentence, (word indices, owned_from, owned_to): one window when the sentence fits in `budget` tokens,
    else windows packed greedily that overlap by the longest tail of at most `stride` tokens (one word of progress at
    least); each window owns its words up to the middle (in words) of its overlaps. Words without tokens are left out."""
    out = []
    bounds = starts + [len(word_ids)]
    for s in range(len(starts)):
        sent = [j for j in range(bounds[s], bounds[s + 1]) if word_ids[j]]
        i, owned = 0, 0
        while i < len(sent):
            j, used = i, 0
            while j < len(sent) and (j == i or used + len(word_ids[sent[j]]) <= budget):
                used += len(word_ids[sent[j]])
                j += 1
            if j == len(sent):
                out.append((sent[i:j], owned - i, j - i))
                break
            k, tail = j, 0
            while k - 1 > i and tail + len(word_ids[sent[k - 1]]) <= stride:
                tail += len(word_ids[sent[k - 1]])
                k -= 1
            boundary = k + (j - k) // 2
            out.append((sent[i:j], owned - i, boundary - i))
            owned, i = boundary, k
    return out


def label_text(text, encode_word, decode_window, budget, stride, labels):
    """Spans of a text: decode_window(list of word token ids) -> beam_search result. A window keeps the spans that start
    in the words it owns and do not overlap the last span kept. Spans carry UTF-16 offsets and score = exp(mean
    log-probability of the span's output tokens, tags included)."""
    words = split_words(text)
    word_ids = [encode_word(text[s:e]) for s, e in words]
    spans = []
    wins = windows(word_ids, sentence_starts(text, words), budget, stride)
    kept_end = -1
    for window, owned_from, owned_to in wins:
        result = decode_window([word_ids[j] for j in window])
        for label, frm, to, tok_from, tok_to in result["spans"]:
            if not (owned_from <= frm < owned_to and window[frm] >= kept_end):
                continue
            kept_end = window[to - 1] + 1
            start, end = words[window[frm]][0], words[window[to - 1]][1]
            lps = result["log_probs"][tok_from:tok_to]
            spans.append({"label": labels[label], "text": text[start:end], "start": utf16(text, start),
                          "end": utf16(text, end), "score": float(np.exp(np.mean(lps)))})
    return {"text": text, "words": [text[s:e] for s, e in words], "windows": len(wins), "spans": spans}


# --- T-Projection candidate generation -------------------------------------------------------------
# Mirrors org.polyspan.seq2seq.SpanSlotAutomaton, SlotBeamSearch and TProjectionGenerator.
#
# Input: the target words joined by spaces, a space, then one "<Tag>[None]</Tag>" slot per source span
# (no space between slots). Output: one "<Tag>span</Tag>" segment per slot, in order, then EOS; a span
# is a contiguous range of target words, tokenised as the string "<Tag>w1 w2</Tag>" alone.

PLACEHOLDER = "[None]"
TPROJ_NAMES = {"PER": "Person", "LOC": "Location", "ORG": "Organization", "MISC": "Miscellaneous", "TARGET": "Target"}


def tproj_tags(label, configured):
    """configured: {label: (open, close)} from the model's config; else T-Projection's tag names."""
    if label in configured:
        return tuple(configured[label])
    name = TPROJ_NAMES.get(label, label)
    return "<%s>" % name, "</%s>" % name


class SlotTrie:
    def __init__(self, segments):
        """segments: list of (tokens, ranges) in order; equal token sequences share a node and their ranges."""
        self.children = [{}]
        self.ranges = [None]
        for tokens, ranges in segments:
            assert tokens, "a segment without tokens cannot be generated"
            node = 0
            for t in tokens:
                nxt = self.children[node].get(t)
                if nxt is None:
                    self.children.append({})
                    self.ranges.append(None)
                    nxt = len(self.children) - 1
                    self.children[node][t] = nxt
                node = nxt
            if self.ranges[node] is None:
                self.ranges[node] = []
            self.ranges[node].extend(ranges)


class SlotAutomaton:
    def __init__(self, slot_segments, eos):
        """slot_segments: per slot, its segment list; slots given the same list object share one trie."""
        self.eos = eos
        tries = {}
        self.tries = []
        for segs in slot_segments:
            assert segs, "every slot needs a segment"
            if id(segs) not in tries:
                tries[id(segs)] = SlotTrie(segs)
            self.tries.append(tries[id(segs)])

    # a reading: (slot, node, segment_start, done, chosen_tuple); chosen = (slot, ranges, token_from, token_to)
    def start(self):
        return ([(0, 0, 0, False, ())], 0)

    def _allowed(self, r):
        slot, node, _, done, _ = r
        if done:
            return []
        if slot == len(self.tries):
            return [self.eos]
        return sorted(self.tries[slot].children[node])

    def allowed(self, state):
        out = set()
        for r in state[0]:
            out.update(self._allowed(r))
        return sorted(out)

    def advance(self, state, tok):
        readings, t = state
        out, seen = [], set()

        def add(r):
            key = (r[0], r[1], r[3])
            if key not in seen:
                seen.add(key)
                out.append(r)

        for slot, node, seg_start, done, chosen in readings:
            if done:
                continue
            if slot == len(self.tries):
                if tok == self.eos:
                    add((slot, 0, t + 1, True, chosen))
                continue
            trie = self.tries[slot]
            child = trie.children[node].get(tok)
            if child is None:
                continue
            start = t if node == 0 else seg_start
            if trie.children[child]:
                add((slot, child, start, False, chosen))
            if trie.ranges[child] is not None:
                add((slot + 1, 0, t + 1, False, chosen + ((slot, trie.ranges[child], start, t + 1),)))
        return (out, t + 1)

    def chosen(self, state):
        for r in state[0]:
            if r[3]:
                return [[c[0], [list(x) for x in c[1]], c[2], c[3]] for c in r[4]]
        raise ValueError("not final")


def slot_beam_search(next_logits, automaton, beam_width, length_penalty, decoder_start):
    """The same steps as beam_search; returns the best beam_width finished outputs, best first
    (ranked by normalised score, ties to the one that finished first: the sort is stable)."""
    finished, _ = _beam_steps(next_logits, automaton, beam_width, length_penalty, decoder_start)
    finished = sorted(finished, key=lambda f: -f["score"])
    return [dict(tokens=f["tokens"], sum_log_prob=f["sum"], score=f["score"], chosen=automaton.chosen(f["state"]))
            for f in finished[:beam_width]]


def tproj_generate(encode_string, words, slot_labels, configured, max_span_words, eos):
    """encode_string(s) -> token ids of s without special tokens. Returns (input_ids without the
    suffix, automaton)."""
    slots = "".join(o + PLACEHOLDER + c for o, c in (tproj_tags(l, configured) for l in slot_labels))
    input_ids = [t for w in words + [slots] for t in encode_string(w)]
    by_label, slot_segments = {}, []
    for label in slot_labels:
        if label not in by_label:
            o, c = tproj_tags(label, configured)
            ranges = {}
            for a in range(len(words)):
                for b in range(a + 1, min(len(words), a + max_span_words) + 1):
                    ranges.setdefault(o + " ".join(words[a:b]) + c, []).append([a, b])
            by_label[label] = [(encode_string(s), r) for s, r in ranges.items()]
        slot_segments.append(by_label[label])
    return input_ids, SlotAutomaton(slot_segments, eos)
