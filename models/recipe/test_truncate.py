"""Unit tests of truncate.py: the cut graph is the part of the encoder that computes the first layer block of its
features, and nothing else; config.json names it. (That it computes the same numbers is checked in Java, with ONNX
Runtime, on the fixtures: TruncatedEncoderTest, and at every load: org.polyspan.model.TruncatedEncoder.)

  python3 -m unittest discover -s models/recipe -p 'test_*.py'
"""
import json
import os
import tempfile
import unittest

import onnx
import torch

import truncate
from bert_onnx import BertConfig, BertEncoder, export_onnx


def tiny_model_dir(out, layers=3, feature_layers=2):
    """A model directory with a random three-layer encoder whose features are its last two layers, fused as the recipe
    fuses the default model."""
    torch.manual_seed(0)
    c = BertConfig(vocab_size=50, hidden_size=16, num_layers=layers, num_heads=2, intermediate_size=32, max_positions=32,
                   feature_layers=feature_layers)
    export_onnx(BertEncoder(c), os.path.join(out, "encoder.onnx"), "features", c.feature_dim)
    config = {"hidden_size": c.hidden_size, "num_hidden_layers": layers,
              "polyspan": {"layout": "encoder_heads", "encoder": "encoder.onnx", "features_output": "features",
                           "feature_dim": c.feature_dim}}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f)
    return c


class TruncateTest(unittest.TestCase):
    def test_cuts_after_the_first_block_and_names_the_file_in_the_config(self):
        with tempfile.TemporaryDirectory() as d:
            c = tiny_model_dir(d)
            path = truncate.truncate(d, log=lambda *a: None)
            full = onnx.load(os.path.join(d, "encoder.onnx"))
            cut = onnx.load(path)
            onnx.checker.check_model(cut)
            # the same inputs, one output of hidden_size values per position
            self.assertEqual([i.name for i in full.graph.input], [i.name for i in cut.graph.input])
            self.assertEqual(["features"], [o.name for o in cut.graph.output])
            dims = cut.graph.output[0].type.tensor_type.shape.dim
            self.assertEqual(c.hidden_size, dims[2].dim_value)
            # a subset of the full graph's nodes, in their order, without the last layer or the Concat
            names = [n.name for n in full.graph.node]
            kept = [n.name for n in cut.graph.node]
            self.assertEqual(kept, [n for n in names if n in set(kept)])
            self.assertLess(len(kept), len(names))
            concat = [n.name for n in full.graph.node if "features" in list(n.output)]
            self.assertEqual(1, len(concat))
            self.assertNotIn(concat[0], kept)
            self.assertFalse(any("layers.2/" in n for n in kept), "the third layer is not needed for block 0 (layer 2)")
            self.assertTrue(any("layers.1/" in n for n in kept), "layer 2 computes block 0")
            # the initializers it keeps are the ones its nodes read
            used = {t for n in cut.graph.node for t in n.input}
            self.assertTrue(all(t.name in used for t in cut.graph.initializer))
            with open(os.path.join(d, "config.json")) as f:
                entry = json.load(f)["polyspan"]["truncated_encoder"]
            self.assertEqual({"file": "encoder_truncated.onnx", "output": "features", "blocks": [0], "layers": "1-2"}, entry)

    def test_config_only_adds_the_entry_again(self):
        with tempfile.TemporaryDirectory() as d:
            tiny_model_dir(d)
            truncate.truncate(d, log=lambda *a: None)
            with open(os.path.join(d, "config.json")) as f:
                config = json.load(f)
            del config["polyspan"]["truncated_encoder"]
            with open(os.path.join(d, "config.json"), "w") as f:
                json.dump(config, f)
            truncate.config_only(d, log=lambda *a: None)
            with open(os.path.join(d, "config.json")) as f:
                self.assertEqual("1-2", json.load(f)["polyspan"]["truncated_encoder"]["layers"])

    def test_refuses_a_graph_without_layer_blocks(self):
        with tempfile.TemporaryDirectory() as d:
            tiny_model_dir(d, layers=2, feature_layers=1)  # one block: the output is no Concat
            with self.assertRaises(SystemExit):
                truncate.truncate(d, log=lambda *a: None)


if __name__ == "__main__":
    unittest.main()
