#!/usr/bin/env python3
"""Where predicted spans go wrong, per set, from the files `models/tool.sh Evaluate --dump DIR` writes
(token TAB gold TAB predicted, blank line between sentences).

    /usr/bin/python3 models/analysis/span_errors.py DIR/abstrct-neoplasm-es-test-argument.conll DIR/abstrct-neoplasm-fr-test-argument.conll

For each file it prints span P/R/F1 (seqeval semantics, as Evaluate) and sorts every gold span into one outcome:
exact; right words but wrong label; found in pieces (two or more predicted spans inside it); overlapping with a
boundary off (start early/late, end early/late); missed (no predicted word inside it). It also counts predicted spans
that start inside a gold span (a B- in the middle), the word before every predicted and gold span start, the tag the
head gives the first word of gold spans, and, when the sets are sentence-parallel, the same outcome per gold span
side by side. Standard library only."""
import collections
import sys

CLAUSE_MARKS = ',;:'


def read(path):
    sentences, cur = [], []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                if cur:
                    sentences.append(cur)
                    cur = []
                continue
            tok, gold, pred = line.split('\t')
            cur.append((tok, gold, pred))
    if cur:
        sentences.append(cur)
    return sentences


def spans(tags):
    """seqeval chunks: (start, end, type); a stray I- starts a span."""
    out, start, typ = [], None, None
    for i, tag in enumerate(list(tags) + ['O']):
        if tag == 'O' or tag.startswith('B-') or (tag.startswith('I-') and tag[2:] != typ):
            if start is not None:
                out.append((start, i, typ))
            start, typ = (i, tag[2:]) if tag != 'O' else (None, None)
    return out


def word_class(tok):
    if all(not c.isalnum() for c in tok):
        return 'punctuation'
    if tok.endswith("'") or tok.endswith('\u2019'):
        return 'elided (l\', d\')'
    if not tok[-1].isalnum():
        return 'punctuation glued after'
    if not tok[0].isalnum():
        return 'punctuation glued before'
    return 'plain'


def before(tokens, i):
    if i == 0:
        return '<sentence start>'
    prev = tokens[i - 1]
    if any(c in CLAUSE_MARKS for c in prev[-2:]):
        return 'after a clause mark'
    return 'after a word'


def outcome(g, pred_spans):
    a, b, t = g
    if (a, b, t) in pred_spans:
        return 'exact'
    inside = [p for p in pred_spans if p[0] < b and p[1] > a]
    if not inside:
        return 'missed'
    if any(p[0] == a and p[1] == b for p in inside):
        return 'wrong label'
    if len(inside) >= 2:
        return 'in pieces'
    p = inside[0]
    parts = []
    if p[0] < a:
        parts.append('starts early')
    elif p[0] > a:
        parts.append('starts late')
    if p[1] > b:
        parts.append('ends late')
    elif p[1] < b:
        parts.append('ends early')
    return ', '.join(parts)


def analyse(path):
    sentences = read(path)
    c = collections.Counter()
    outcomes = collections.Counter()
    per_span = []
    pred_start_before = collections.Counter()
    gold_start_before = collections.Counter()
    first_word_tag = collections.Counter()
    missed_word_class = collections.Counter()
    gold_word_class = collections.Counter()
    subtokens = collections.Counter()
    for s in sentences:
        toks = [t for t, _, _ in s]
        gold = spans([g for _, g, _ in s])
        pred = spans([p for _, _, p in s])
        pred_set = set(pred)
        c['gold'] += len(gold)
        c['pred'] += len(pred)
        c['tp'] += len(set(gold) & pred_set)
        c['words'] += len(toks)
        for a, b, t in gold:
            o = outcome((a, b, t), pred_set)
            outcomes[o] += 1
            per_span.append(o)
            gold_start_before[before(toks, a)] += 1
            first_word_tag[s[a][2][:1] + ('' if s[a][2] == 'O' else '-' + ('same type' if s[a][2][2:] == t else 'other type'))] += 1
            for k in range(a, b):
                gold_word_class[word_class(toks[k])] += 1
                if s[k][2] == 'O':
                    missed_word_class[word_class(toks[k])] += 1
        for a, b, t in pred:
            pred_start_before[before(toks, a)] += 1
            if any(ga < a < gb for ga, gb, _ in gold):
                c['pred starts inside a gold span'] += 1
    p = c['tp'] / c['pred'] if c['pred'] else 0
    r = c['tp'] / c['gold'] if c['gold'] else 0
    f = 2 * p * r / (p + r) if p + r else 0
    print(f'== {path}')
    print(f'sentences {len(sentences)}, words {c["words"]}, gold spans {c["gold"]}, predicted {c["pred"]}, '
          f'exact {c["tp"]}: P {p:.3f} R {r:.3f} F1 {f:.3f}')
    print('gold spans by outcome: ' + ', '.join(f'{k} {v} ({v / c["gold"]:.1%})' for k, v in outcomes.most_common()))
    print(f'predicted spans starting inside a gold span (a B- in the middle): {c["pred starts inside a gold span"]}')
    print('gold span starts: ' + ', '.join(f'{k} {v}' for k, v in gold_start_before.most_common()))
    print('predicted span starts: ' + ', '.join(f'{k} {v}' for k, v in pred_start_before.most_common()))
    print('predicted tag of the first word of a gold span: ' + ', '.join(f'{k} {v}' for k, v in first_word_tag.most_common()))
    print('gold-span words predicted O, by word form: ' + ', '.join(
        f'{k} {missed_word_class[k]}/{n} ({missed_word_class[k] / n:.0%})' for k, n in gold_word_class.most_common()))
    return sentences, per_span


def main(paths):
    results = [analyse(p) for p in paths]
    if len(results) == 2 and len(results[0][1]) == len(results[1][1]):
        table = collections.Counter(zip(results[0][1], results[1][1]))
        print(f'== per gold span, {paths[0].split("/")[-1]} (rows) against {paths[1].split("/")[-1]}: most frequent pairs')
        for (x, y), n in table.most_common(12):
            print(f'{n:5d}  {x:28s} -> {y}')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
