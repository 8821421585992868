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


def beam_search(next_logits, automaton, beam_width, length_penalty, decoder_start):
    """next_logits(list_of_prefixes) -> float32 array [rows, vocab]; prefixes start with decoder_start."""
    beams = [dict(tokens=[], lps=[], sum=0.0, state=automaton.start())]
    finished = []
    steps = 0
    while beams and len(finished) < beam_width:
        logits = next_logits([[decoder_start] + b["tokens"] for b in beams])
        steps += 1
        cands = []
        for b, hyp in enumerate(beams):
            lp = log_softmax64(logits[b])
            for t in automaton.allowed(hyp["state"]):
                cands.append((hyp["sum"] + lp[t], b, t, lp[t]))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        nxt = []
        for score, b, t, lp in cands:
            h = beams[b]
            child = dict(tokens=h["tokens"] + [t], lps=h["lps"] + [float(lp)], sum=float(score),
                         state=automaton.advance(h["state"], t))
            if t == automaton.eos:
                child["score"] = float(score) / (len(child["tokens"]) ** length_penalty)
                finished.append(child)
            else:
                nxt.append(child)
                if len(nxt) == beam_width:
                    break
        beams = nxt
    best = 0
    for i in range(1, len(finished)):
        if finished[i]["score"] > finished[best]["score"]:
            best = i
    h = finished[best]
    return dict(tokens=h["tokens"], log_probs=h["lps"], sum_log_prob=h["sum"], score=h["score"],
                spans=automaton.spans(h["state"]), steps=steps)


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
    (ranked by normalised score, ties to the one that finished first)."""
    beams = [dict(tokens=[], sum=0.0, state=automaton.start())]
    finished = []
    while beams and len(finished) < beam_width:
        logits = next_logits([[decoder_start] + b["tokens"] for b in beams])
        cands = []
        for b, hyp in enumerate(beams):
            lp = log_softmax64(logits[b])
            for t in automaton.allowed(hyp["state"]):
                cands.append((hyp["sum"] + lp[t], b, t))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        nxt = []
        for score, b, t in cands:
            h = beams[b]
            child = dict(tokens=h["tokens"] + [t], sum=float(score), state=automaton.advance(h["state"], t))
            if t == automaton.eos:
                child["score"] = float(score) / (len(child["tokens"]) ** length_penalty)
                child["order"] = len(finished)
                finished.append(child)
            else:
                nxt.append(child)
                if len(nxt) == beam_width:
                    break
        beams = nxt
    finished.sort(key=lambda f: (-f["score"], f["order"]))
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
