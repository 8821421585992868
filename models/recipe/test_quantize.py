"""Unit tests of quantize.py, and of the int8 arithmetic its weights meet on each kind of CPU.

ONNX Runtime's default u8 x s8 kernels on x86-64 without VNNI (AVX2, AVX-512F/BW) add each pair of products into a
saturating 16-bit integer (vpmaddubsw). These tests emulate that instruction, and the U8U8 path that
session.x64quantprecision selects (weights shifted to uint8, products widened to 16 bits, pairs added in 32 bits,
vpmaddwd), on the quantiser's own output, so they hold or fail the same on every CPU that runs them: full-range weights
saturate on the default kernels and are exact on the U8U8 path, 7-bit weights are exact on both.

  python3 -m unittest discover -s models/recipe -p 'test_*.py'
"""
import json
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


def u8u8_matmul(a_u8, w_s8):
    """The U8U8 path: weights stored as w + 128 (uint8, zero point 128), 16-bit operands, pairs added in 32 bits."""
    a = a_u8.astype(np.int64)
    w_u8 = (w_s8.astype(np.int64) + 128)
    assert w_u8.min() >= 0 and w_u8.max() <= 255
    pairs_max = 2 * 255 * 255
    assert pairs_max < 2 ** 31  # vpmaddwd's 32-bit sums cannot overflow
    return a @ w_u8 - 128 * a.sum(axis=1, keepdims=True)


def worst_case_error(w_s8, kernel=vpmaddubsw_matmul):
    """The largest error of the saturating product over activations at the extremes 0 and 255."""
    worst = 0
    for pattern in ([255, 255], [255, 0], [0, 255]):
        a = np.tile(np.array(pattern, dtype=np.uint8), (w_s8.shape[0] + 1) // 2)[None, : w_s8.shape[0]]
        exact = a.astype(np.int64) @ w_s8.astype(np.int64)
        # the sign of the weights decides which activations hurt most: also try the activations that follow it
        worst = max(worst, int(np.abs(kernel(a, w_s8) - exact).max()))
        signed = np.where(w_s8 > 0, 255, 0).astype(np.uint8).T  # [N, K] per output column
        for col in range(w_s8.shape[1]):
            act = signed[col][None, :]
            exact = act.astype(np.int64) @ w_s8[:, col:col + 1].astype(np.int64)
            worst = max(worst, int(np.abs(kernel(act, w_s8[:, col:col + 1]) - exact).max()))
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

    def test_full_range_weights_saturate_on_the_default_kernels_of_cpus_without_vnni(self):
        full, _ = quantize.quantize_columns(self.w)
        self.assertEqual(127, int(np.abs(full).max()))
        self.assertGreater(worst_case_error(full), 0, "the emulated kernel must show the error the plugin guards against")

    def test_full_range_weights_are_exact_on_the_u8u8_path(self):
        full, _ = quantize.quantize_columns(self.w)
        self.assertEqual(0, worst_case_error(full, kernel=u8u8_matmul))

    def test_seven_bit_weights_are_exact_on_both_kernels(self):
        q, _ = quantize.quantize_columns(self.w, qmax=quantize.WEIGHT_QMAX[7])
        self.assertLessEqual(int(np.abs(q).max()), 63)
        self.assertLessEqual(2 * 255 * int(np.abs(q).max()), INT16_MAX)
        self.assertEqual(0, worst_case_error(q))
        self.assertEqual(0, worst_case_error(q, kernel=u8u8_matmul))

    def test_a_quantised_graph_holds_its_weights_in_the_range_its_bits_allow(self):
        for bits, qmax in ((8, 127), (7, 63)):
            with tempfile.TemporaryDirectory() as tmp:
                src, dst = os.path.join(tmp, "dense.onnx"), os.path.join(tmp, "dense-int8.onnx")
                onnx.save(matmul_model(self.w), src)
                quantize.quantize_file(src, dst, log=lambda *a: None, weight_bits=bits)
                model = onnx.load(dst)
                self.assertEqual(["DynamicQuantizeMatMul"], [n.op_type for n in model.graph.node])
                weights = int8_weights(model)
                self.assertEqual(1, len(weights))
                self.assertEqual(qmax, int(np.abs(weights[0]).max()), "bits %d" % bits)

    def test_the_precision_is_recorded_in_the_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "src"), os.path.join(tmp, "dst")
            os.makedirs(src)
            onnx.save(matmul_model(self.w), os.path.join(src, "model.onnx"))
            with open(os.path.join(src, "config.json"), "w") as f:
                f.write('{"model_type": "bert", "id2label": {"0": "O"}}')
            quantize.quantize_dir(src, dst, log=lambda *a: None)
            with open(os.path.join(dst, "config.json")) as f:
                q = json.load(f)["polyspan"]["quantization"]
            self.assertEqual(8, q["weight_bits"])
            self.assertEqual([-127, 127], q["weight_range"])

    def test_other_weight_widths_are_refused(self):
        with self.assertRaises(ValueError):
            quantize.Quantizer(matmul_model(self.w), weight_bits=6)


if __name__ == "__main__":
    unittest.main()
