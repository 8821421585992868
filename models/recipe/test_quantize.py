"""Unit tests of quantize.py: its int8 weights must compute the same answer on every CPU.

ONNX Runtime's u8 x s8 kernels on x86-64 without VNNI (AVX2, AVX-512F/BW) add each pair of products into a
saturating 16-bit integer (vpmaddubsw). These tests emulate that instruction on the quantiser's own output, so they fail
on any machine if the quantiser writes weights that saturate there, whatever CPU runs the tests.

  python3 -m unittest discover -s models/recipe -p 'test_*.py'
"""
import os
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import quantize

INT16_MAX = 32767


def vpmaddubsw_matmul(a_u8, w_s8):
    """a [M, K] uint8 x w [K, N] int8 as vpmaddubsw + vpmaddwd compute it: pairs along K saturate to int16."""
    a = a_u8.astype(np.int64)
    w = w_s8.astype(np.int64)
    k = a.shape[1]
    if k % 2:
        a = np.pad(a, ((0, 0), (0, 1)))
        w = np.pad(w, ((0, 1), (0, 0)))
    pairs = a[:, 0::2, None] * w[None, 0::2, :] + a[:, 1::2, None] * w[None, 1::2, :]
    return np.clip(pairs, -INT16_MAX - 1, INT16_MAX).sum(axis=1)


def worst_case_error(w_s8):
    """The largest error of the saturating product over activations at the extremes 0 and 255."""
    worst = 0
    for pattern in ([255, 255], [255, 0], [0, 255]):
        a = np.tile(np.array(pattern, dtype=np.uint8), (w_s8.shape[0] + 1) // 2)[None, : w_s8.shape[0]]
        exact = a.astype(np.int64) @ w_s8.astype(np.int64)
        # the sign of the weights decides which activations hurt most: also try the activations that follow it
        worst = max(worst, int(np.abs(vpmaddubsw_matmul(a, w_s8) - exact).max()))
        signed = np.where(w_s8 > 0, 255, 0).astype(np.uint8).T  # [N, K] per output column
        for col in range(w_s8.shape[1]):
            act = signed[col][None, :]
            exact = act.astype(np.int64) @ w_s8[:, col:col + 1].astype(np.int64)
            worst = max(worst, int(np.abs(vpmaddubsw_matmul(act, w_s8[:, col:col + 1]) - exact).max()))
    return worst


def matmul_model(weights):
    """x [1, K] -> MatMul(x, W) + b, the pattern of every dense layer the quantiser rewrites."""
    k, n = weights.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y0"], name="dense/MatMul"),
         helper.make_node("Add", ["y0", "b"], ["y"], name="dense/Add")],
        "dense",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])],
        [numpy_helper.from_array(weights.astype(np.float32), "W"),
         numpy_helper.from_array(np.zeros(n, np.float32), "b")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])


def int8_weights(model):
    return [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == TensorProto.INT8 and t.dims
            and len(t.dims) == 2]


class SaturationTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.RandomState(7)
        # a real layer's shape, with one large weight per column as trained transformers have
        self.w = rng.standard_normal((768, 64)).astype(np.float32)
        self.w[rng.randint(0, 768, 64), np.arange(64)] = 12.0

    def test_the_emulation_saturates_full_range_weights(self):
        full, _ = quantize.quantize_columns(self.w, qmax=127)
        self.assertGreater(worst_case_error(full), 0, "the emulated kernel must show the error it guards against")

    def test_default_weights_never_saturate(self):
        q, _ = quantize.quantize_columns(self.w)
        self.assertLessEqual(int(np.abs(q).max()), 63)
        self.assertLessEqual(2 * 255 * int(np.abs(q).max()), INT16_MAX)
        self.assertEqual(0, worst_case_error(q))

    def test_a_quantised_graph_holds_only_weights_that_no_kernel_saturates(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "dense.onnx"), os.path.join(tmp, "dense-int8.onnx")
            onnx.save(matmul_model(self.w), src)
            quantize.quantize_file(src, dst, log=lambda *a: None)
            model = onnx.load(dst)
            self.assertEqual(["DynamicQuantizeMatMul"], [n.op_type for n in model.graph.node])
            weights = int8_weights(model)
            self.assertEqual(1, len(weights))
            self.assertLessEqual(int(np.abs(weights[0]).max()), 63)
            self.assertEqual(0, worst_case_error(weights[0]))

    def test_the_precision_is_recorded_in_the_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "src"), os.path.join(tmp, "dst")
            os.makedirs(src)
            onnx.save(matmul_model(self.w), os.path.join(src, "model.onnx"))
            with open(os.path.join(src, "config.json"), "w") as f:
                f.write('{"model_type": "bert", "id2label": {"0": "O"}}')
            quantize.quantize_dir(src, dst, log=lambda *a: None)
            import json
            with open(os.path.join(dst, "config.json")) as f:
                q = json.load(f)["polyspan"]["quantization"]
            self.assertEqual(7, q["weight_bits"])
            self.assertEqual([-63, 63], q["weight_range"])

    def test_full_range_is_refused_unless_asked_for(self):
        with self.assertRaises(ValueError):
            quantize.Quantizer(matmul_model(self.w), weight_bits=6)


if __name__ == "__main__":
    unittest.main()
