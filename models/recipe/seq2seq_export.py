"""What the tiny encoder-decoder fixtures share: attention masks and the export in optimum's seq2seq ONNX layout.

Shared by tiny_t5.py and tiny_m2m100.py. A model passed here has .encode(input_ids, attention_mask),
.cross_kv(encoder_hidden_states), .decode(input_ids, encoder_attention_mask, cross, past) and .decoder (its layers,
each with a .cross_att that has .k, .v and .heads).

    encoder_model.onnx            input_ids, attention_mask -> last_hidden_state
    decoder_model.onnx            input_ids, encoder_hidden_states, encoder_attention_mask
                                  -> logits, present.{i}.decoder.key/value, present.{i}.encoder.key/value
    decoder_with_past_model.onnx  input_ids, encoder_attention_mask, past_key_values.{i}.(decoder|encoder).(key|value)
                                  -> logits, present.{i}.decoder.key/value
"""

import os

import torch
from torch import nn


def mask_bias(mask):  # [B, S] (1 = keep) -> [B, 1, 1, S]
    return (1.0 - mask[:, None, None, :].float()) * -1e9


def cross_kv(decoder_layers, enc):
    """Per decoder layer, the cross-attention keys and values of the encoder output, [B, H, S, Dh]."""
    return [(l.cross_att.heads(l.cross_att.k(enc)), l.cross_att.heads(l.cross_att.v(enc))) for l in decoder_layers]


class EncoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m.encode(input_ids, attention_mask)


class DecoderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask):
        cross = self.m.cross_kv(encoder_hidden_states)
        logits, present = self.m.decode(input_ids, encoder_attention_mask, cross)
        out = [logits]
        for (k, v), (ck, cv) in zip(present, cross):
            out += [k, v, ck, cv]
        return tuple(out)


class DecoderWithPastExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_attention_mask, *past_flat):
        layers = len(self.m.decoder)
        past = [(past_flat[4 * i], past_flat[4 * i + 1]) for i in range(layers)]
        cross = [(past_flat[4 * i + 2], past_flat[4 * i + 3]) for i in range(layers)]
        logits, present = self.m.decode(input_ids, encoder_attention_mask, cross, past)
        out = [logits]
        for k, v in present:
            out += [k, v]
        return tuple(out)


def export(model, out, encoder_ids, decoder_ids, next_token):
    """Writes the three ONNX files into out, traced on encoder_ids and decoder_ids ([1, n] tensors) and, for the
    decoder with past, on next_token after decoder_ids."""
    layers = len(model.decoder)
    mask = torch.ones_like(encoder_ids)
    torch.onnx.export(EncoderExport(model), (encoder_ids, mask), os.path.join(out, "encoder_model.onnx"),
                      input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                      dynamic_axes={"input_ids": {0: "batch_size", 1: "encoder_sequence_length"},
                                    "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
                                    "last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}},
                      opset_version=14, do_constant_folding=True)
    enc = model.encode(encoder_ids, mask)
    names = ["present.%d.%s.%s" % (i, kind, kv) for i in range(layers) for kind in ("decoder", "encoder")
             for kv in ("key", "value")]
    dyn = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
           "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
           "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in names:
        dyn[n] = {0: "batch_size", 2: "encoder_sequence_length" if ".encoder." in n else "decoder_sequence_length"}
    torch.onnx.export(DecoderExport(model), (decoder_ids, enc, mask), os.path.join(out, "decoder_model.onnx"),
                      input_names=["input_ids", "encoder_hidden_states", "encoder_attention_mask"],
                      output_names=["logits"] + names, dynamic_axes=dyn, opset_version=14, do_constant_folding=True)
    cross = model.cross_kv(enc)
    _, present = model.decode(decoder_ids, mask, cross)
    past_flat, past_names, present_names = [], [], []
    dyn = {"input_ids": {0: "batch_size"},
           "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
           "logits": {0: "batch_size"}}
    for i in range(layers):
        for kind, (k, v) in (("decoder", present[i]), ("encoder", cross[i])):
            for kv, t in (("key", k), ("value", v)):
                n = "past_key_values.%d.%s.%s" % (i, kind, kv)
                past_names.append(n)
                past_flat.append(t)
                dyn[n] = {0: "batch_size", 2: "encoder_sequence_length" if kind == "encoder" else "past_decoder_sequence_length"}
        for kv in ("key", "value"):
            n = "present.%d.decoder.%s" % (i, kv)
            present_names.append(n)
            dyn[n] = {0: "batch_size", 2: "past_decoder_sequence_length + 1"}
    torch.onnx.export(DecoderWithPastExport(model), (torch.tensor([[next_token]]), mask, *past_flat),
                      os.path.join(out, "decoder_with_past_model.onnx"),
                      input_names=["input_ids", "encoder_attention_mask"] + past_names,
                      output_names=["logits"] + present_names, dynamic_axes=dyn, opset_version=14,
                      do_constant_folding=True)
