"""Reference BERT tokenizer: BasicTokenizer + WordpieceTokenizer, as in Google's original
BERT tokenization.py (cased mode: no lower-casing, no accent stripping).

Used to produce tokenizer_reference.json, against which the tokenizer.json (Hugging Face
`tokenizers` format, loaded from Java) is checked.

Command line: python3 wordpiece_ref.py VOCAB_TXT "some text" ...  (prints tokens and ids)
"""

import sys
import unicodedata


def load_vocab(path):
    """Token -> id, id = line number (as in the original load_vocab)."""
    vocab = {}
    for index, token in enumerate(vocab_list(path)):
        vocab[token] = index
    return vocab


def vocab_list(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        tokens = [line.strip() for line in f]
    while tokens and tokens[-1] == "":
        tokens.pop()
    return tokens


def _is_whitespace(char):
    if char in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(char) == "Zs"


def _is_control(char):
    if char in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def _is_punctuation(char):
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_chinese_char(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def whitespace_tokenize(text):
    text = text.strip()
    return text.split() if text else []


class BasicTokenizer:
    def __init__(self, do_lower_case=False):
        self.do_lower_case = do_lower_case

    def tokenize(self, text):
        text = self._clean_text(text)
        text = self._tokenize_chinese_chars(text)
        split_tokens = []
        for token in whitespace_tokenize(text):
            if self.do_lower_case:
                token = self._run_strip_accents(token.lower())
            split_tokens.extend(self._run_split_on_punc(token))
        return whitespace_tokenize(" ".join(split_tokens))

    @staticmethod
    def _run_strip_accents(text):
        text = unicodedata.normalize("NFD", text)
        return "".join(c for c in text if unicodedata.category(c) != "Mn")

    @staticmethod
    def _run_split_on_punc(text):
        output = []
        start_new_word = True
        for char in text:
            if _is_punctuation(char):
                output.append([char])
                start_new_word = True
            else:
                if start_new_word:
                    output.append([])
                start_new_word = False
                output[-1].append(char)
        return ["".join(x) for x in output]

    @staticmethod
    def _tokenize_chinese_chars(text):
        output = []
        for char in text:
            if _is_chinese_char(ord(char)):
                output.extend((" ", char, " "))
            else:
                output.append(char)
        return "".join(output)

    @staticmethod
    def _clean_text(text):
        output = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or _is_control(char):
                continue
            output.append(" " if _is_whitespace(char) else char)
        return "".join(output)


class WordpieceTokenizer:
    def __init__(self, vocab, unk_token="[UNK]", max_input_chars_per_word=100):
        self.vocab = vocab
        self.unk_token = unk_token
        self.max_input_chars_per_word = max_input_chars_per_word

    def tokenize(self, text):
        output_tokens = []
        for token in whitespace_tokenize(text):
            chars = list(token)
            if len(chars) > self.max_input_chars_per_word:
                output_tokens.append(self.unk_token)
                continue
            is_bad = False
            start = 0
            sub_tokens = []
            while start < len(chars):
                end = len(chars)
                cur_substr = None
                while start < end:
                    substr = "".join(chars[start:end])
                    if start > 0:
                        substr = "##" + substr
                    if substr in self.vocab:
                        cur_substr = substr
                        break
                    end -= 1
                if cur_substr is None:
                    is_bad = True
                    break
                sub_tokens.append(cur_substr)
                start = end
            if is_bad:
                output_tokens.append(self.unk_token)
            else:
                output_tokens.extend(sub_tokens)
        return output_tokens


class FullTokenizer:
    def __init__(self, vocab, do_lower_case=False):
        self.vocab = vocab
        self.basic = BasicTokenizer(do_lower_case)
        self.wordpiece = WordpieceTokenizer(vocab)

    def tokenize(self, text):
        out = []
        for token in self.basic.tokenize(text):
            out.extend(self.wordpiece.tokenize(token))
        return out

    def encode(self, text):
        """Token ids with [CLS] ... [SEP], as the single-sequence template does."""
        tokens = ["[CLS]"] + self.tokenize(text) + ["[SEP]"]
        return tokens, [self.vocab[t] for t in tokens]


def main(argv):
    if len(argv) < 3:
        print("usage: wordpiece_ref.py VOCAB_TXT TEXT...", file=sys.stderr)
        return 2
    tok = FullTokenizer(load_vocab(argv[1]))
    for text in argv[2:]:
        tokens, ids = tok.encode(text)
        print(tokens)
        print(ids)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
