#!/usr/bin/env python3
"""Trains heads on frozen encoder features with torch and compares them: a linear head (what `TrainHead` trains) or a
one-hidden-layer head (the committed `argument` head), trained on the words `TrainHead --dump-features` wrote, scored
by span F1 on the development words.

    D=../shared/data/medical/abstrct/EN/argument_components/original_data
    models/tool.sh TrainHead --model models/build/mbert-ner --train $D/neoplasm_train.tsv --dev $D/neoplasm_dev.tsv \\
        --name argument --dump-features /tmp/features
    /usr/bin/python3 models/analysis/head_probe.py --features /tmp/features --head models/build/mbert-ner/heads/argument.json \\
        --kind linear --seeds 1,2,3
    /usr/bin/python3 models/analysis/head_probe.py ... --kind mlp --hidden 256 --dropout 0.2 [--write DIR]

Decoding follows a head with `"units": "sentences"`: each development sentence is either outside any span or one span
of one label, whichever scores higher under the head's transition prior and `outside_penalty` (read from --head). The
Java decoder may split a sentence it segments in two, so the figures sit close to, not exactly on, `Evaluate --split
dev`; compare architectures with each other here. Prints per seed the development span F1 after every epoch and their
mean from the third epoch on. Needs Debian's python3-torch and python3-numpy.

--write DIR writes the (seed, epoch) with the best development F1 as a head the plugin loads (see models/README.md,
head format): DIR/<name>.json, a copy of --head's with the new size and training figures, and DIR/<name>.bin. The
hidden layer's GELU is the tanh approximation, which is what the Java head computes."""
import argparse
import json
import os
import time

import numpy as np
import torch


def load(prefix, dim):
    y = np.loadtxt(prefix + '.y', dtype=np.int64)
    starts = np.loadtxt(prefix + '.s', dtype=np.int64)
    x = np.fromfile(prefix + '.x', dtype=np.float32).reshape(len(y), dim)
    return torch.from_numpy(x), torch.from_numpy(y), starts


def spans(tags, names):
    """Exact (start, end, type) spans; a stray I- opens a span, as in Evaluate."""
    out, i = set(), 0
    while i < len(tags):
        name = names[tags[i]]
        if name == 'O':
            i += 1
            continue
        kind, j = name[2:], i + 1
        while j < len(tags) and names[tags[j]] == 'I-' + kind:
            j += 1
        out.add((i, j, kind))
        i = j
    return out


class SentenceDecoder:
    def __init__(self, head):
        self.names = head['labels']
        t = head.get('transitions')
        k = len(self.names)
        weight = t['weight'] if t else 0.0
        self.start = np.array(t['start']) * weight if t else np.zeros(k)
        self.next = np.array(t['next']) * weight if t else np.zeros((k, k))
        self.outside = head.get('decoding', {}).get('outside_penalty', 0.0)
        self.kinds = [(self.names.index('B-' + n[2:]), i) for i, n in enumerate(self.names) if n.startswith('I-')]

    def decode(self, lp):
        n = len(lp)
        best = (self.start[0] + sum(lp[:, 0]) - n * self.outside + (n - 1) * self.next[0, 0], [0] * n)
        for b, i in self.kinds:
            score = self.start[b] + lp[0, b] + sum(lp[1:, i])
            if n > 1:
                score += self.next[b, i] + (n - 2) * self.next[i, i]
            if score > best[0]:
                best = (score, [b] + [i] * (n - 1))
        return best[1]

    def f1(self, log_probs, gold, starts):
        tp = predicted = gold_count = 0
        for a, b in zip(starts[:-1], starts[1:]):
            g = spans(gold[a:b].tolist(), self.names)
            p = spans(self.decode(log_probs[a:b]), self.names)
            tp += len(g & p)
            predicted += len(p)
            gold_count += len(g)
        return 2 * tp / (predicted + gold_count) if predicted + gold_count else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--features', required=True)
    ap.add_argument('--head', required=True, help="the head JSON whose labels, prior and decoding to use")
    ap.add_argument('--kind', choices=['linear', 'mlp'], default='linear')
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--dropout', type=float, default=0.2)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--weight-decay', type=float, default=1e-2)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--seeds', default='1,2,3')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--write', help="directory to write the best head to")
    ap.add_argument('--trained-on', default='', help="training file name recorded in the written head")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    head = json.load(open(a.head))
    dim, k = head['input_dim'], len(head['labels'])
    x_train, y_train, _ = load(a.features + '/train', dim)
    x_dev, y_dev, dev_starts = load(a.features + '/dev', dim)
    decoder = SentenceDecoder(head)
    best = None
    for seed in [int(s) for s in a.seeds.split(',')]:
        torch.manual_seed(seed)
        if a.kind == 'linear':
            model = torch.nn.Linear(dim, k)
        else:
            model = torch.nn.Sequential(torch.nn.Dropout(a.dropout), torch.nn.Linear(dim, a.hidden),
                                        torch.nn.GELU(approximate='tanh'), torch.nn.Dropout(a.dropout),
                                        torch.nn.Linear(a.hidden, k))
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
        t0, f1s = time.time(), []
        for _ in range(a.epochs):
            model.train()
            order = torch.randperm(len(y_train))
            for i in range(0, len(order), 256):
                idx = order[i:i + 256]
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                log_probs = torch.log_softmax(model(x_dev), -1).numpy()
            f1s.append(decoder.f1(log_probs, y_dev.numpy(), dev_starts))
            if best is None or f1s[-1] > best[0]:
                best = (f1s[-1], seed, len(f1s), {n: p.detach().clone() for n, p in model.state_dict().items()})
        print('%s seed %d: dev span F1 per epoch %s, mean from epoch 3 %.4f (%.0f s)'
              % (a.kind, seed, ' '.join('%.4f' % f for f in f1s), np.mean(f1s[2:]), time.time() - t0), flush=True)
    print('best: seed %d epoch %d dev span F1 %.4f' % (best[1], best[2], best[0]))
    if a.write:
        write(a, head, best, len(y_train))


def write(a, head, best, words):
    """The head JSON keeps --head's labels, centring, prior and decoding; the .bin holds the layers in order."""
    f1, seed, epoch, state = best
    weights = sorted(n for n in state if n.endswith('weight'))  # the input layer first
    out = dict(head)
    out['weights'] = head['name'] + '.bin'
    out.pop('hidden', None)
    if a.kind == 'mlp':
        out['hidden'] = {'size': a.hidden, 'activation': 'gelu_tanh'}
    out.update({'trained_on': a.trained_on or out.get('trained_on', ''), 'words': words, 'epochs': epoch, 'seed': seed,
                'lr': a.lr, 'weight_decay': a.weight_decay, 'dropout': a.dropout if a.kind == 'mlp' else 0.0,
                'dev_f1': round(f1, 4), 'trainer': 'models/analysis/head_probe.py'})
    for key in ('sentences', 'l2'):
        out.pop(key, None)
    os.makedirs(a.write, exist_ok=True)
    with open(os.path.join(a.write, head['name'] + '.json'), 'w') as fh:
        fh.write(json.dumps(out, separators=(',', ':')) + '\n')
    with open(os.path.join(a.write, out['weights']), 'wb') as fh:
        for name in weights:  # torch.nn.Linear keeps [out][in], the order the head format reads
            fh.write(state[name].numpy().astype('<f4').tobytes())
            fh.write(state[name[:-len('weight')] + 'bias'].numpy().astype('<f4').tobytes())
    print('wrote %s/%s.json and %s' % (a.write, head['name'], out['weights']))


if __name__ == '__main__':
    main()
