#!/usr/bin/env python3
"""What Apertium's translation costs projected labels, against projecting onto a human translation.

The Europarl NER test set (../shared/data/projection/europarl_ner) is sentence-parallel with gold entities on every
side. This script sends the English sentences with their gold tags through a running node's _project twice, in
batches, as CoNLL in and CoNLL out:
  gold       onto the human Spanish sentence ("target_conll": its gold tokens);
  apertium   onto Apertium's translation of the English sentence ("translate": true).
Apertium's words are not the gold sentence's words, so span F1 cannot score the second. Both are scored the same way
instead: per sentence, the projected entities as (label, text) against the Spanish gold entities as (label, text),
micro precision, recall and F1 over the multisets (text lower-cased, spaces removed, so that "U . E ." and "U.E." or
"Comisión Europea" and "Comisión europea" match). For the gold translation the usual span F1 is printed too. The
"ceiling" line counts the gold entities whose text appears at all in the translation: what projection could find.

usage: models/analysis/apertium_projection.py --url http://127.0.0.1:9200 [--data ../shared/data] [--target es]
           [--model mbert-ner] [--batch 100] [--limit N]
"""
import argparse
import collections
import json
import re
import sys
import time
import urllib.error
import urllib.request


def read_conll(path):
    """Sentences as lists of (token, tag), -DOCSTART- lines skipped."""
    sentences, current = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            cols = line.split()
            if not cols:
                if current:
                    sentences.append(current)
                current = []
            elif cols[0] != "-DOCSTART-":
                current.append((cols[-2] if len(cols) > 1 else cols[0], cols[-1] if len(cols) > 1 else "O"))
    if current:
        sentences.append(current)
    return sentences


def chunks(tags):
    """(label, start, end) of IOB2 tags; a stray I- starts an entity (seqeval)."""
    out, label, start = [], None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        if label is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != label):
            out.append((label, start, i))
            label = None
        if tag != "O" and label is None:
            label, start = tag[2:], i
    return out


def key(text):
    return re.sub(r"\s+", "", text).lower()


def entities(sentence):
    tokens = [t for t, _ in sentence]
    return collections.Counter((label, key(" ".join(tokens[s:e]))) for label, s, e in chunks([g for _, g in sentence]))


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers={"Content-Type": "application/json"})
    for attempt in range(30):
        try:
            with urllib.request.urlopen(request, timeout=600) as r:
                return r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            if e.code != 429 or attempt == 29:
                sys.exit("POST %s -> HTTP %d: %s" % (url, e.code, e.read().decode("utf-8")[:300]))
            time.sleep(min(10, 0.5 * 2 ** attempt))


def project(url, model, target, english, gold=None, batch=100):
    """The projected target sentences, as (token, tag) lists, one per English sentence."""
    out = []
    for start in range(0, len(english), batch):
        part = english[start:start + batch]
        body = {"format": "conll", "output": "conll", "model": model, "source_language": "en", "target_language": target,
                "source_conll": "".join("".join("%s %s\n" % tt for tt in s) + "\n" for s in part)}
        if gold is None:
            body["translate"] = True
        else:
            body["target_conll"] = "".join("".join("%s\n" % t for t, _ in s) + "\n" for s in gold[start:start + batch])
        answer = read_text(post(url, body))
        if len(answer) != len(part):
            sys.exit("%d sentences came back for %d" % (len(answer), len(part)))
        out.extend(answer)
    return out


def read_text(text):
    sentences = []
    for block in text.split("\n\n"):
        lines = [l for l in block.split("\n") if l.strip()]
        if lines:
            sentences.append([tuple(l.split("\t")) for l in lines])
    return sentences


class Bag:
    """Micro P/R/F1 of (label, text) multisets, overall and per label."""

    def __init__(self):
        self.counts = collections.defaultdict(lambda: [0, 0, 0])  # label -> [matched, predicted, gold]

    def add(self, predicted, gold):
        for (label, text), n in predicted.items():
            self.counts[label][1] += n
            self.counts[label][0] += min(n, gold.get((label, text), 0))
        for (label, _), n in gold.items():
            self.counts[label][2] += n

    def prf(self, label=None):
        c = [sum(v[i] for v in self.counts.values()) for i in range(3)] if label is None else self.counts[label]
        p = c[0] / c[1] if c[1] else 0.0
        r = c[0] / c[2] if c[2] else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--target", default="es")
    ap.add_argument("--model", default="mbert-ner")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--api", default="/_plugins/polyspan")
    a = ap.parse_args()
    base = a.data.rstrip("/") + "/projection/europarl_ner/"
    english = read_conll(base + "en-europarl.test.conll02")
    target = read_conll(base + a.target + "-europarl.test.conll02")
    n = min(len(english), len(target), a.limit or 10 ** 9)
    english, target = english[:n], target[:n]
    url = a.url.rstrip("/") + a.api + "/_project"
    golds = [entities(s) for s in target]
    labels = sorted({label for g in golds for label, _ in g})
    print("Europarl NER en-%s, %d sentences, %d gold %s entities; model %s" % (a.target, n, sum(sum(g.values()) for g in golds),
                                                                             a.target, a.model))
    print("| projected onto | P | R | F1 | %s | gold entities whose text is in the translation | seconds |" % " | ".join(
        label + " F1" for label in labels))
    print("|---|---:|---:|---:|%s---:|---:|" % ("---:|" * len(labels)))
    for mode in ("gold", "apertium"):
        t0 = time.time()
        projected = project(url, a.model, a.target, english, target if mode == "gold" else None, a.batch)
        seconds = time.time() - t0
        bag, present, total = Bag(), 0, 0
        span = [0, 0, 0]
        for p, g, gold_sentence in zip(projected, golds, target):
            bag.add(entities(p), g)
            translation = key(" ".join(t for t, _ in p))
            for (label, text), k in g.items():
                total += k
                present += k if text in translation else 0
            if mode == "gold":
                pc, gc = set(chunks([t for _, t in p])), set(chunks([t for _, t in gold_sentence]))
                span[0] += len(pc & gc)
                span[1] += len(pc)
                span[2] += len(gc)
        p, r, f = bag.prf()
        print("| %s translation | %.3f | %.3f | %.3f | %s | %d / %d (%.3f) | %.0f |" % (
            "human" if mode == "gold" else "Apertium", p, r, f, " | ".join("%.3f" % bag.prf(label)[2] for label in labels),
            present, total, present / total if total else 0, seconds))
        if mode == "gold":
            sp = span[0] / span[1] if span[1] else 0
            sr = span[0] / span[2] if span[2] else 0
            span_f1 = 2 * sp * sr / (sp + sr) if sp + sr else 0
    print("span F1 of the projection onto the human translation (same tokens as the gold): %.3f" % span_f1)


if __name__ == "__main__":
    main()
