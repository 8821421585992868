"""Writes a Hugging Face `tokenizers` tokenizer.json for a cased BERT WordPiece vocabulary,
plus tokenizer_reference.json: sample sentences with the ids the original BERT tokenizer
(wordpiece_ref.py) produces, so the tokenizer.json can be checked from Java.

Command line: python3 tokenizer_json.py VOCAB_TXT OUT_DIR
"""

import json
import os
import sys

from wordpiece_ref import FullTokenizer, vocab_list

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Sentences in many scripts and with whitespace/control oddities. Each is tokenized by the
# reference implementation; the Java side checks that tokenizer.json yields the same ids.
# Characters are kept to Unicode assigned long ago, so that differences between Unicode
# table versions (Python unicodedata vs. the Rust tokenizers crate) do not matter.
REFERENCE_SENTENCES = [
    "Paris is the capital of France.",
    "Barack Obama was born in Honolulu, Hawaii, on August 4, 1961.",
    "Angela Merkel traf sich mit Vertretern der Deutschen Bahn in München und Düsseldorf.",
    "Straße, Größe, Übermäßig: Jürgen Müller wohnt in Zürich.",
    "Le président Emmanuel Macron s'est rendu à Marseille en décembre.",
    "Cafe\u0301 vs Caf\u00e9: combining acute accent versus precomposed.",
    "El Real Madrid ganó la Liga en España; ¿quién lo diría?",
    "Владимир Путин встретился с представителями ООН в Москве.",
    "Ο Αλέξανδρος γεννήθηκε στην Πέλλα της Μακεδονίας.",
    "\u0627\u0644\u0642\u0627\u0647\u0631\u0629 \u0647\u064a \u0639\u0627\u0635\u0645\u0629 \u0645\u0635\u0631.",
    "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd \u05d4\u05d9\u05d0 \u05e2\u05d9\u05e8 \u05e2\u05ea\u05d9\u05e7\u05d4.",
    "习近平在北京会见了联合国秘书长古特雷斯。",
    "東京スカイツリーは墨田区にあります。ソニー株式会社",
    "삼성전자는 서울에 본사를 두고 있다.",
    "नरेंद्र मोदी भारत के प्रधानमंत्री हैं।",
    "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย",
    "I love New York \U0001F600\U0001F44D and \u2764 pizza \U0001F355!",
    "Tabs\tand\nnewlines\r\nand\u00a0non-breaking\u00a0spaces\u2003and\u3000ideographic space.",
    "Zero\u200bwidth\u200d joiners, soft\u00adhyphen and \u0007bell\u0000 controls.",
    "Email john.doe@example.com, visit https://www.example.org/path?q=1&x=2 or pay $5.99 (\u20ac4,50).",
    "Mixed: IBM's CEO, Dr. O'Neil-Smith (ret.) -- \"quotes\" \u201csmart\u201d \u00abguillemets\u00bb \u2026 done.",
    "Antidisestablishmentarianism " + "x" * 101 + " ends.",
    "   leading and trailing whitespace   ",
    "",
]


def tokenizer_json(vocab_tokens, special_tokens=SPECIAL_TOKENS, unk="[UNK]", cls="[CLS]", sep="[SEP]"):
    vocab = {}
    for i, token in enumerate(vocab_tokens):
        vocab[token] = i  # later duplicates win, as in the original load_vocab
    for t in special_tokens:
        if t not in vocab:
            raise ValueError("special token %s missing from vocab" % t)
    cls_id, sep_id = vocab[cls], vocab[sep]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab[t], "content": t, "single_word": False, "lstrip": False,
             "rstrip": False, "normalized": False, "special": True}
            for t in sorted(special_tokens, key=lambda t: vocab[t])
        ],
        "normalizer": {
            "type": "BertNormalizer",
            "clean_text": True,
            "handle_chinese_chars": True,
            "strip_accents": False,
            "lowercase": False,
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": cls, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": cls, "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": sep, "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": sep, "type_id": 1}},
            ],
            "special_tokens": {
                cls: {"id": cls, "ids": [cls_id], "tokens": [cls]},
                sep: {"id": sep, "ids": [sep_id], "tokens": [sep]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": unk,
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": vocab,
        },
    }


def reference(vocab_tokens, sentences=REFERENCE_SENTENCES):
    vocab = {t: i for i, t in enumerate(vocab_tokens)}
    tok = FullTokenizer(vocab)
    cases = []
    for text in sentences:
        tokens, ids = tok.encode(text)
        cases.append({"text": text, "tokens": tokens, "ids": ids})
    return {
        "description": "Expected ids (with [CLS]/[SEP], no truncation) from the original BERT "
                       "BasicTokenizer+WordpieceTokenizer, cased.",
        "cases": cases,
    }


def compact_json(obj, indent=1, level=0):
    """JSON with objects/nested lists indented and lists of scalars kept on one line."""
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(obj, dict) and obj:
        items = ["%s%s: %s" % (pad, json.dumps(k, ensure_ascii=False), compact_json(v, indent, level + 1))
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(obj, list) and any(isinstance(v, (list, dict)) for v in obj):
        items = [pad + compact_json(v, indent, level + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return json.dumps(obj, ensure_ascii=False)


def write_json(obj, path, indent=None, compact=False):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(compact_json(obj) if compact else json.dumps(obj, ensure_ascii=False, indent=indent))
        f.write("\n")
    os.replace(tmp, path)


def write_all(vocab_tokens, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    write_json(tokenizer_json(vocab_tokens), os.path.join(out_dir, "tokenizer.json"))
    write_json(reference(vocab_tokens), os.path.join(out_dir, "tokenizer_reference.json"), compact=True)


def main(argv):
    if len(argv) != 3:
        print("usage: tokenizer_json.py VOCAB_TXT OUT_DIR", file=sys.stderr)
        return 2
    tokens = vocab_list(argv[1])
    write_all(tokens, argv[2])
    print("wrote tokenizer.json (%d tokens) and tokenizer_reference.json to %s" % (len(tokens), argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
