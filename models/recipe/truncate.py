"""Writes the truncated encoder of an encoder-with-heads model directory: the part of encoder.onnx that computes the
first layer block of its "features" output, and nothing after it.

The encoder's "features" output is a Concat of the last transformer layers' hidden states (the default model: mBERT
layers 9-12, blocks 0-3). _project's word vectors read block 0 only (layer 9), so three of its twelve layers are work
whose result is thrown away. This script keeps the nodes that block 0 depends on (embeddings and layers 1-9 of the
default model), exactly as they are in encoder.onnx (fused, and quantised in an int8 model), and writes them as
encoder_truncated.onnx with the same inputs and one output, "features", of hidden_size values per position. It adds
to config.json:

    "polyspan": {..., "truncated_encoder": {"file": "encoder_truncated.onnx", "output": "features", "blocks": [0],
                                           "layers": "1-9"}}

"blocks" lists the blocks of the full encoder's features that the truncated graph emits, in order. A node uses the
file only after checking, at every load, that it computes those blocks of the full encoder's features
(org.polyspan.model.TruncatedEncoder); a directory without it uses the full encoder.

  truncate.py MODEL_DIR [--block 0]
  truncate.py MODEL_DIR --config-only     only the config.json entry, for an encoder_truncated.onnx already there

Run it again after anything changes encoder.onnx (the int8 build quantises encoder.onnx, then runs this on its
directory, so that the int8 truncated graph is cut from the int8 encoder).
"""
import argparse
import json
import os
import sys

import onnx
from onnx import TensorProto, helper

FILE = "encoder_truncated.onnx"
OUTPUT = "features"
ENTRY = "truncated_encoder"


def read_config(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        return json.load(f)


def feature_concat(graph, output_name):
    """The Concat node that writes the features output, and its inputs (one per layer block)."""
    producers = {o: n for n in graph.node for o in n.output}
    node = producers.get(output_name)
    if node is None or node.op_type != "Concat":
        raise SystemExit("the output [%s] is not written by a Concat node (%s): no layer blocks to cut at"
                         % (output_name, None if node is None else node.op_type))
    axis = [a.i for a in node.attribute if a.name == "axis"]
    if axis not in ([-1], [2]):
        raise SystemExit("the Concat writing [%s] joins axis %s, not the last one" % (output_name, axis))
    return node


def cut(model, block_tensor, out_dim):
    """A copy of model that computes block_tensor, renamed OUTPUT, from the same inputs: the nodes it depends on, in
    their order, and the initializers they read."""
    graph = model.graph
    producers = {}
    for i, n in enumerate(graph.node):
        for o in n.output:
            producers[o] = i
    inits = {t.name for t in graph.initializer}
    inputs = {i.name for i in graph.input}
    needed = set()
    stack = [block_tensor]
    seen = set()
    while stack:
        t = stack.pop()
        if t in seen or t == "":
            continue
        seen.add(t)
        if t in inits or t in inputs:
            continue
        if t not in producers:
            raise SystemExit("tensor [%s] has no producer, initializer or graph input" % t)
        i = producers[t]
        if i not in needed:
            needed.add(i)
            stack.extend(graph.node[i].input)
            for attr in graph.node[i].attribute:
                if attr.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                    raise SystemExit("node %s has a subgraph; this script cuts flat graphs only" % graph.node[i].name)
    nodes = []
    for i, n in enumerate(graph.node):
        if i not in needed:
            continue
        copy = onnx.NodeProto()
        copy.CopyFrom(n)
        for k, o in enumerate(copy.output):
            if o == block_tensor:
                copy.output[k] = OUTPUT
        nodes.append(copy)
    used = {t for n in nodes for t in n.input}
    initializers = [t for t in graph.initializer if t.name in used]
    value_info = [v for v in graph.value_info if v.name in used and v.name != block_tensor]
    out = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", "sequence", out_dim])
    new_graph = helper.make_graph(nodes, graph.name + "_truncated", list(graph.input), [out], initializers,
                                  doc_string="the nodes of %s that compute %s" % (graph.name, block_tensor),
                                  value_info=value_info)
    result = helper.make_model(new_graph, opset_imports=list(model.opset_import), producer_name="polyspan truncate.py")
    result.ir_version = model.ir_version
    for f in model.functions:
        result.functions.append(f)
    return result


def entry(config, block, blocks):
    """The config.json entry of the truncated encoder of block `block` of `blocks` layer blocks."""
    layers = int(config.get("num_hidden_layers", 0))
    e = {"file": FILE, "output": OUTPUT, "blocks": [block]}
    if layers >= blocks:
        e["layers"] = "1-%d" % (layers - blocks + 1 + block)
    return e


def write_entry(model_dir, config, e):
    config.setdefault("polyspan", {})[ENTRY] = e
    tmp = os.path.join(model_dir, "config.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, os.path.join(model_dir, "config.json"))


def check_layout(model_dir, config):
    poly = config.get("polyspan") or {}
    if poly.get("layout") != "encoder_heads":
        raise SystemExit("%s is not an encoder-with-heads model (polyspan.layout)" % model_dir)
    return poly


def truncate(model_dir, block=0, log=print):
    config = read_config(model_dir)
    poly = check_layout(model_dir, config)
    encoder = poly.get("encoder", "encoder.onnx")
    output = poly.get("features_output", "features")
    hidden = int(config["hidden_size"])
    model = onnx.load(os.path.join(model_dir, encoder))
    concat = feature_concat(model.graph, output)
    if len(concat.input) < 2:
        raise SystemExit("the features of %s are one layer block: a cut would be the whole encoder" % encoder)
    if not 0 <= block < len(concat.input):
        raise SystemExit("block %d: the features have blocks 0..%d" % (block, len(concat.input) - 1))
    truncated = cut(model, concat.input[block], hidden)
    path = os.path.join(model_dir, FILE)
    tmp = path + ".tmp"
    onnx.save(truncated, tmp)
    onnx.checker.check_model(tmp)
    os.replace(tmp, path)
    write_entry(model_dir, config, entry(config, block, len(concat.input)))
    log("%s: %s -> %s, block %d of [%s] (%s): %d of %d nodes, %.0f MB"
        % (model_dir, encoder, FILE, block, output, concat.input[block], len(truncated.graph.node), len(model.graph.node),
           os.path.getsize(path) / 1e6))
    return path


def config_only(model_dir, block=0, log=print):
    """Adds the entry for an encoder_truncated.onnx written before (config.json was written again since)."""
    config = read_config(model_dir)
    poly = check_layout(model_dir, config)
    if not os.path.isfile(os.path.join(model_dir, FILE)):
        raise SystemExit("%s has no %s" % (model_dir, FILE))
    hidden = int(config["hidden_size"])
    blocks = int(poly.get("feature_dim", hidden)) // hidden
    write_entry(model_dir, config, entry(config, block, blocks))
    log("%s: config.json names %s (block %d)" % (model_dir, FILE, block))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model_dir")
    p.add_argument("--block", type=int, default=0, help="the layer block of the features to cut after (default 0)")
    p.add_argument("--config-only", action="store_true", help="only add the config.json entry for the file already there")
    a = p.parse_args(argv)
    if a.config_only:
        config_only(a.model_dir, a.block)
    else:
        truncate(a.model_dir, a.block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
