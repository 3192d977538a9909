#!/usr/bin/env python3
"""Trains a small byte-level BPE tokenizer for the peer load testers (vllm bench serve, inference-perf), which need
a tokenizer folder to make prompts and count tokens. Made here from a seeded corpus with the `tokenizers` package;
nothing comes from a model hub. The corpus is lorabench's prompt words (Sources/LoadGen/Scenario/WordList.swift,
read only) plus made-up syllable words, so prompts and the simulator's answers split into ordinary pieces.

Usage: make-tokenizer.py OUT_DIR      (writes tokenizer.json and tokenizer_config.json; run in a venv with tokenizers)
"""
import json
import random
import re
import sys
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

SEED = 11
VOCAB_SIZE = 2048
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]


def words(repo: Path) -> list:
    found = []
    wl = repo / "Sources" / "LoadGen" / "Scenario" / "WordList.swift"
    if wl.exists():
        found = re.findall(r'"([a-z]+)"', wl.read_text())
    rng = random.Random(SEED)
    syllables = ["ra", "to", "mi", "sen", "kal", "dor", "fi", "nu", "pel", "gas", "vo", "ix", "un", "tre", "lu", "ob"]
    found += ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(1200)]
    return sorted(set(found))


def sentences(vocab: list):
    rng = random.Random(SEED + 1)
    for _ in range(8000):
        yield " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 24))) + rng.choice([".", "?", ",", "!"])


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
    tok.train_from_iterator(sentences(words(Path(__file__).resolve().parents[2])), trainer=trainer)
    tok.save(str(out / "tokenizer.json"))
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
              "unk_token": "<unk>", "pad_token": "<pad>", "model_max_length": 4096, "clean_up_tokenization_spaces": False}
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"tokenizer: {tok.get_vocab_size()} pieces in {out}")


if __name__ == "__main__":
    main()
