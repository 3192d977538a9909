#!/usr/bin/env python3
"""Trains a small byte-level BPE tokenizer for the peer load testers (vllm bench serve, inference-perf), which need
a tokenizer folder to make prompts and count tokens. Made here from a seeded corpus with the `tokenizers` package;
nothing comes from a model hub. The corpus is integration/make-model.py's (lorabench's prompt words plus made-up
syllable words, seeded), so prompts and the simulator's answers split into ordinary pieces; this needs only
`tokenizers`, not the transformers and torch that make-model.py's own tokenizer step imports.

Usage: make-tokenizer.py OUT_DIR      (writes tokenizer.json and tokenizer_config.json; run in a venv with tokenizers)
"""
import importlib.util
import json
import sys
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

VOCAB_SIZE = 2048
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]
REPO = Path(__file__).resolve().parents[2]


def corpus():
    """integration/make-model.py's seeded corpus (its module imports only the standard library at the top)."""
    spec = importlib.util.spec_from_file_location("make_model", REPO / "integration" / "make-model.py")
    make_model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_model)
    return make_model.corpus(REPO)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-tokenizer.py OUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer=trainer)
    tok.save(str(out / "tokenizer.json"))
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
              "unk_token": "<unk>", "pad_token": "<pad>", "model_max_length": 4096, "clean_up_tokenization_spaces": False}
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"tokenizer: {tok.get_vocab_size()} pieces in {out}")


if __name__ == "__main__":
    main()
