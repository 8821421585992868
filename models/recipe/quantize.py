"""Dynamic int8 quantisation of an ONNX graph with Debian's python3-onnx and numpy only.

Every MatMul whose second input is a constant 2-D float weight (and every Gemm with a constant weight) becomes ONNX
Runtime's com.microsoft DynamicQuantizeMatMul: the weight is stored as int8, symmetric, with one scale per output
column (zero point 0); the activations are quantised to uint8 at run time, per tensor. A bias Add that directly follows
such a MatMul is folded into the operator's bias input. MatMuls between two activations (attention scores) stay float.

Weights use the full range [-127, 127] by default (--weight-bits 8). ONNX Runtime's default u8 x s8 kernels on x86-64
CPUs without VNNI (AVX2, AVX-512F/BW) add pairs of products into a saturating 16-bit integer (vpmaddubsw), and
2 x 255 x 127 > 32767: on those CPUs the plugin runs int8 models with session.x64quantprecision, ONNX Runtime's exact
U8U8 kernels (org.polyspan.onnx.Int8Precision), and every model's self-check refuses a model that still computes
wrong answers. --weight-bits 7 writes [-63, 63], which no kernel saturates (2 x 255 x 63 < 32767), at a cost in
accuracy measured in the README ("int8 on every CPU").

With --embeddings, a Gather from a large constant table indexed by a graph input (the word embeddings, indexed by
input_ids) reads an int8 copy of the table with one scale per row instead: Gather(int8 table) -> Cast(float) -> Mul(Gather(row scales)).

  quantize.py IN.onnx OUT.onnx [--keep REGEX]... [--embeddings]
  quantize.py IN_DIR OUT_DIR [--keep REGEX]... [--embeddings]     every *.onnx of IN_DIR, other files copied

--keep REGEX keeps the MatMul/Gemm/Gather nodes in float whose node name or weight name matches (re.search), e.g.
--keep 'layers\\.11/' or --keep 'classifier'. The graph's inputs, outputs and other nodes are unchanged.
"""
import argparse
import json
import os
import re
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS_DOMAIN = "com.microsoft"


# 2 x 255 x QMAX must stay below 32768 for kernels that add pairs of u8 x s8 products in 16 bits (see above)
WEIGHT_QMAX = {7: 63, 8: 127}


def quantize_columns(w, qmax=127):
    """w [K, N] float -> (int8 [K, N] in [-qmax, qmax], scale [N]); symmetric, one scale per output column."""
    amax = np.abs(w).max(axis=0)
    scale = np.where(amax > 0, amax / float(qmax), 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int8)
    return q, scale


def quantize_rows(t):
    """t [V, D] float -> (int8 [V, D], scale [V, 1]); symmetric, one scale per row."""
    amax = np.abs(t).max(axis=1, keepdims=True)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(t / scale), -127, 127).astype(np.int8)
    return q, scale


class Quantizer:
    def __init__(self, model, keep=(), embeddings=False, embedding_min_rows=256, min_elements=0, log=print, weight_bits=8):
        if weight_bits not in WEIGHT_QMAX:
            raise ValueError("weight_bits must be 7 or 8, got %r" % (weight_bits,))
        self.qmax = WEIGHT_QMAX[weight_bits]
        self.model = model
        self.keep = [re.compile(k) for k in keep]
        self.embeddings = embeddings
        self.embedding_min_rows = embedding_min_rows
        self.min_elements = min_elements
        self.log = log
        self.root = model.graph
        self.graph_inputs = {i.name for i in model.graph.input}
        # constant float tensors by name, from the main graph and every subgraph
        self.inits = {}
        self._collect(self.root)
        self.new_inits = []
        self.done = {}  # (weight name, transposed) -> (int8 name, scale name, zero-point name)
        self.done_rows = {}
        self.stats = {"matmul": 0, "gemm": 0, "gather": 0, "kept": 0, "bias": 0}
        self.kept_names = []
        self.counter = 0

    def _collect(self, graph):
        for t in graph.initializer:
            self.inits[t.name] = t
        for n in graph.node:
            for g in self._subgraphs(n):
                self._collect(g)

    @staticmethod
    def _subgraphs(node):
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield a.g
            elif a.type == onnx.AttributeProto.GRAPHS:
                yield from a.graphs

    def _float_const(self, name, ndim=None):
        t = self.inits.get(name)
        if t is None or t.data_type != TensorProto.FLOAT:
            return None
        if ndim is not None and len(t.dims) != ndim:
            return None
        return t

    def _kept(self, node, weight):
        for k in self.keep:
            if k.search(node.name) or k.search(weight):
                return True
        return False

    def _unique(self, base):
        self.counter += 1
        return "%s_q%d" % (base, self.counter)

    def _weight(self, name, transpose):
        key = (name, transpose)
        if key not in self.done:
            w = numpy_helper.to_array(self.inits[name]).astype(np.float32)
            if transpose:
                w = w.T
            q, scale = quantize_columns(np.ascontiguousarray(w), self.qmax)
            base = self._unique(name)
            names = (base + "_int8", base + "_scale", base + "_zero_point")
            self.new_inits += [numpy_helper.from_array(q, names[0]), numpy_helper.from_array(scale, names[1]),
                               numpy_helper.from_array(np.zeros(scale.shape, np.int8), names[2])]
            self.done[key] = names
        return self.done[key]

    def _rows(self, name):
        if name not in self.done_rows:
            q, scale = quantize_rows(numpy_helper.to_array(self.inits[name]).astype(np.float32))
            base = self._unique(name)
            names = (base + "_int8", base + "_row_scale")
            self.new_inits += [numpy_helper.from_array(q, names[0]), numpy_helper.from_array(scale, names[1])]
            self.done_rows[name] = names
        return self.done_rows[name]

    def run(self):
        self._graph(self.root)
        self.root.initializer.extend(self.new_inits)
        self._drop_unused()
        if not any(o.domain == MS_DOMAIN for o in self.model.opset_import):
            self.model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
        return self.stats

    def _graph(self, graph):
        for n in graph.node:
            for g in self._subgraphs(n):
                self._graph(g)
        consumers = {}
        for n in graph.node:
            for i in n.input:
                consumers.setdefault(i, []).append(n)
        graph_outputs = {o.name for o in graph.output}
        removed = set()
        out_nodes = []
        for n in graph.node:
            if id(n) in removed:
                continue
            rewritten = None
            if n.op_type == "MatMul" and not n.domain:
                rewritten = self._matmul(n, consumers, graph_outputs, removed)
            elif n.op_type == "Gemm" and not n.domain:
                rewritten = self._gemm(n)
            elif n.op_type == "Gather" and not n.domain and self.embeddings:
                rewritten = self._gather(n)
            out_nodes.extend(rewritten if rewritten is not None else [n])
        del graph.node[:]
        graph.node.extend(out_nodes)

    def _matmul(self, n, consumers, graph_outputs, removed):
        w = self._float_const(n.input[1], 2)
        if w is None or n.input[0] in self.inits or int(np.prod(w.dims)) < self.min_elements:
            return None
        if self._kept(n, n.input[1]):
            self.stats["kept"] += 1
            self.kept_names.append(n.name)
            return None
        qw, scale, zp = self._weight(n.input[1], False)
        inputs = [n.input[0], qw, scale, zp]
        output = n.output[0]
        # fold "Add(bias, MatMul)" when the MatMul's only use is that Add and the bias is a constant [N]
        users = consumers.get(output, [])
        if len(users) == 1 and output not in graph_outputs and users[0].op_type == "Add" and not users[0].domain:
            add = users[0]
            other = add.input[1] if add.input[0] == output else add.input[0]
            b = self._float_const(other, 1)
            if b is not None and b.dims[0] == w.dims[1] and id(add) not in removed:
                inputs.append(other)
                output = add.output[0]
                removed.add(id(add))
                self.stats["bias"] += 1
        self.stats["matmul"] += 1
        return [helper.make_node("DynamicQuantizeMatMul", inputs, [output], name=(n.name or output) + "_int8",
                                 domain=MS_DOMAIN)]

    def _gemm(self, n):
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        w = self._float_const(n.input[1], 2)
        if (w is None or attrs.get("transA", 0) != 0 or attrs.get("alpha", 1.0) != 1.0
                or int(np.prod(w.dims)) < self.min_elements):
            return None
        bias = None
        if len(n.input) > 2 and n.input[2]:
            b = self._float_const(n.input[2], 1)
            if b is None or attrs.get("beta", 1.0) != 1.0:
                return None
            bias = n.input[2]
        if self._kept(n, n.input[1]):
            self.stats["kept"] += 1
            self.kept_names.append(n.name)
            return None
        qw, scale, zp = self._weight(n.input[1], attrs.get("transB", 0) == 1)
        inputs = [n.input[0], qw, scale, zp] + ([bias] if bias else [])
        self.stats["gemm"] += 1
        return [helper.make_node("DynamicQuantizeMatMul", inputs, [n.output[0]], name=(n.name or n.output[0]) + "_int8",
                                 domain=MS_DOMAIN)]

    def _gather(self, n):
        t = self._float_const(n.input[0], 2)
        if t is None or t.dims[0] < self.embedding_min_rows or n.input[1] not in self.graph_inputs:
            return None
        if self._kept(n, n.input[0]):
            self.stats["kept"] += 1
            self.kept_names.append(n.name)
            return None
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if attrs.get("axis", 0) != 0:
            return None
        table, row_scale = self._rows(n.input[0])
        base = (n.name or n.output[0]) + "_int8"
        self.stats["gather"] += 1
        return [
            helper.make_node("Gather", [table, n.input[1]], [base + "_rows"], name=base + "/Gather"),
            helper.make_node("Cast", [base + "_rows"], [base + "_float"], name=base + "/Cast", to=TensorProto.FLOAT),
            helper.make_node("Gather", [row_scale, n.input[1]], [base + "_scale"], name=base + "/GatherScale"),
            helper.make_node("Mul", [base + "_float", base + "_scale"], [n.output[0]], name=base + "/Mul"),
        ]

    def _drop_unused(self):
        used = set()

        def walk(graph):
            for n in graph.node:
                used.update(n.input)
                for g in self._subgraphs(n):
                    walk(g)
            used.update(o.name for o in graph.output)

        walk(self.root)

        def prune(graph):
            keep = [t for t in graph.initializer if t.name in used]
            del graph.initializer[:]
            graph.initializer.extend(keep)
            for n in graph.node:
                for g in self._subgraphs(n):
                    prune(g)

        prune(self.root)


def quantize_file(src, dst, keep=(), embeddings=False, embedding_min_rows=256, min_elements=0, log=print, weight_bits=8):
    model = onnx.load(src)
    q = Quantizer(model, keep, embeddings, embedding_min_rows, min_elements, log, weight_bits)
    stats = q.run()
    tmp = dst + ".tmp"
    onnx.save(model, tmp)
    onnx.checker.check_model(tmp)
    os.replace(tmp, dst)
    log("%s -> %s: %d MatMul and %d Gemm as DynamicQuantizeMatMul (%d-bit weights, %d biases folded), %d embedding "
        "Gather(s) int8, %d kept in float%s; %.1f MB -> %.1f MB" % (
            os.path.basename(src), dst, stats["matmul"], stats["gemm"], weight_bits, stats["bias"], stats["gather"], stats["kept"],
            (" (" + ", ".join(q.kept_names) + ")") if q.kept_names else "",
            os.path.getsize(src) / 1e6, os.path.getsize(dst) / 1e6))
    return stats


# fp32 reference values of the recipe's own checks do not describe a quantised graph, and the build's records of the
# fp32 directory (its stamp, completion marker and self-check) are not the int8 model's
SKIPPED = {".build-stamp", "reference.json", ".complete", "self_check.json"}


def quantize_dir(src, dst, **kw):
    os.makedirs(dst, exist_ok=True)
    found = 0
    for root, dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        out_root = os.path.normpath(os.path.join(dst, rel))
        os.makedirs(out_root, exist_ok=True)
        for f in sorted(files):
            s, d = os.path.join(root, f), os.path.join(out_root, f)
            if f.endswith(".onnx"):
                quantize_file(s, d, **kw)
                found += 1
            elif f.endswith(".onnx_data") or f.endswith(".onnx.data") or (rel == "." and f in SKIPPED):
                continue  # external weights are loaded with the graph and written into the quantised file
            else:
                shutil.copy2(s, d)
    if found == 0:
        raise SystemExit("no .onnx file in " + src)
    describe(os.path.join(dst, "config.json"), kw)


def describe(config_file, kw):
    """Records the quantisation in config.json's polyspan section (added when absent: the loader reads a Hugging Face
    export's layout from its other keys), so that a node and the self-check know the model's precision."""
    if not os.path.isfile(config_file):
        return
    with open(config_file, encoding="utf-8") as f:
        config = json.load(f)
    poly = config.setdefault("polyspan", {})
    if not isinstance(poly, dict):
        return
    bits = kw.get("weight_bits", 8)
    poly["quantization"] = {
        "method": "dynamic int8: DynamicQuantizeMatMul, int8 weights with one scale per output column, "
                  "activations quantised per tensor at run time",
        "weight_bits": bits,
        "weight_range": [-WEIGHT_QMAX[bits], WEIGHT_QMAX[bits]],
        "embeddings_int8": bool(kw.get("embeddings")),
        "kept_in_float": list(kw.get("keep") or []),
    }
    if poly.get("description"):
        poly["description"] = poly["description"] + " Int8 quantised encoder (models/recipe/quantize.py)."
    with open(config_file, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("src", help="ONNX file or model directory")
    p.add_argument("dst", help="output ONNX file or directory")
    p.add_argument("--keep", action="append", default=[], metavar="REGEX",
                   help="keep matching MatMul/Gemm/Gather nodes (node or weight name) in float; repeatable")
    p.add_argument("--embeddings", action="store_true",
                   help="also store large Gather tables (word embeddings) as int8 with one scale per row")
    p.add_argument("--embedding-min-rows", type=int, default=256,
                   help="a Gather table needs at least this many rows to be quantised (default 256)")
    p.add_argument("--weight-bits", type=int, choices=sorted(WEIGHT_QMAX), default=8,
                   help="8 (default): weights in [-127, 127], exact with VNNI, AMX, ARM and, on other x86-64 CPUs, with "
                        "ONNX Runtime's U8U8 kernels, which the plugin selects there; 7: [-63, 63], exact on every "
                        "kernel, less accurate")
    p.add_argument("--min-elements", type=int, default=0,
                   help="leave MatMul/Gemm weights with fewer elements in float (default 0: quantise all)")
    a = p.parse_args(argv)
    kw = dict(keep=a.keep, embeddings=a.embeddings, embedding_min_rows=a.embedding_min_rows,
              min_elements=a.min_elements, weight_bits=a.weight_bits)
    if os.path.isdir(a.src):
        if os.path.abspath(a.src) == os.path.abspath(a.dst):
            raise SystemExit("output directory must differ from the input directory")
        quantize_dir(a.src, a.dst, **kw)
    else:
        quantize_file(a.src, a.dst, **kw)


if __name__ == "__main__":
    sys.exit(main())
