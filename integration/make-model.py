#!/usr/bin/env python3
"""Builds a tiny random Llama and four random LoRA adapters for a real vLLM in the loop.

Everything is made here, from fixed seeds; nothing is fetched from a model hub (HF_HUB_OFFLINE=1 is set).

    <out>/base/         config.json, generation_config.json, model.safetensors, tokenizer.json, tokenizer_config.json, ...
    <out>/adapters/a1/  adapter_config.json, adapter_model.safetensors  (PEFT format, rank 8)
    ...
    <out>/adapters/a4/

Usage: make-model.py [--out DIR] [--force]     (DIR defaults to $VLLM_MODEL_DIR or /work/.vllm-model)
Run it with the venv made by setup-vllm.sh (torch, transformers, tokenizers and peft are needed).
"""
import argparse
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SEED = 20240909
VOCAB_SIZE = 3072          # trained BPE size, special tokens included
HIDDEN = 256               # 4 heads of 64: a head size every vLLM CPU attention backend supports
LAYERS = 2
HEADS = 4
KV_HEADS = 2
INTERMEDIATE = 512
MAX_POSITIONS = 2048
ADAPTERS = ["a1", "a2", "a3", "a4"]
LORA_RANK = 8
LORA_ALPHA = 16
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]
FORMAT_VERSION = 1         # bump when the recipe changes, so an old folder is rebuilt


def corpus_words(repo: Path) -> list:
    """lorabench's built-in prompt words (so its prompts tokenize into ordinary pieces) plus made-up words."""
    words = []
    wl = repo / "Sources" / "LoadGen" / "Scenario" / "WordList.swift"
    if wl.exists():
        words = re.findall(r'"([a-z]+)"', wl.read_text())
    rng = random.Random(SEED)
    syllables = ["ka", "lo", "ri", "men", "tas", "por", "qui", "ze", "bal", "dun", "sor", "vi", "ex", "an", "tri", "ol"]
    words += ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(1500)]
    return sorted(set(words))


def corpus(repo: Path):
    rng = random.Random(SEED + 1)
    words = corpus_words(repo)
    for _ in range(20000):
        n = rng.randint(5, 30)
        sent = " ".join(rng.choice(words) for _ in range(n))
        yield sent[0].upper() + sent[1:] + rng.choice([".", ".", ".", "?", "!", ","]) + (" " + str(rng.randint(0, 9999)) if rng.random() < 0.1 else "")


def build_tokenizer(base: Path, repo: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, min_frequency=2, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus(repo), trainer=trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                   pad_token="<pad>", model_max_length=MAX_POSITIONS, clean_up_tokenization_spaces=False)
    fast.save_pretrained(str(base))
    return fast


def build_base(base: Path, tok):
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(SEED)
    cfg = LlamaConfig(
        vocab_size=len(tok), hidden_size=HIDDEN, intermediate_size=INTERMEDIATE, num_hidden_layers=LAYERS,
        num_attention_heads=HEADS, num_key_value_heads=KV_HEADS, max_position_embeddings=MAX_POSITIONS,
        rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
        bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id,
        initializer_range=0.02)
    model = LlamaForCausalLM(cfg)
    model.to(torch.float32)
    model.save_pretrained(str(base), safe_serialization=True)
    GenerationConfig(bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                     pad_token_id=tok.pad_token_id).save_pretrained(str(base))
    return model


def build_adapters(base: Path, out: Path):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaForCausalLM

    for i, name in enumerate(ADAPTERS, start=1):
        torch.manual_seed(SEED + 100 * i)
        model = LlamaForCausalLM.from_pretrained(str(base), dtype=torch.float32)
        cfg = LoraConfig(r=LORA_RANK, lora_alpha=LORA_ALPHA, lora_dropout=0.0, bias="none", task_type="CAUSAL_LM",
                         target_modules=LORA_TARGETS, init_lora_weights=True)
        peft_model = get_peft_model(model, cfg)
        # PEFT starts B at zero (an adapter that changes nothing); make both factors random so each adapter
        # really changes the output.
        with torch.no_grad():
            for pname, p in peft_model.named_parameters():
                if "lora_A" in pname or "lora_B" in pname:
                    p.normal_(0.0, 0.05)
        dest = out / "adapters" / name
        peft_model.save_pretrained(str(dest), safe_serialization=True)
        # Point the adapter at the local base folder, never at a hub name.
        cfg_path = dest / "adapter_config.json"
        c = json.loads(cfg_path.read_text())
        c["base_model_name_or_path"] = str(base)
        if isinstance(c.get("target_modules"), list):
            c["target_modules"] = sorted(c["target_modules"])   # PEFT writes a set, in hash order
        cfg_path.write_text(json.dumps(c, indent=2, sort_keys=True) + "\n")
        print(f"make-model: adapter {name} -> {dest}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.environ.get("VLLM_MODEL_DIR", "/work/.vllm-model"))
    ap.add_argument("--force", action="store_true", help="rebuild even when the folder is complete")
    args = ap.parse_args()
    out = Path(args.out).resolve()
    repo = Path(__file__).resolve().parent.parent
    stamp = out / "lorabench-model.json"
    recipe = {"format": FORMAT_VERSION, "seed": SEED, "vocab": VOCAB_SIZE, "hidden": HIDDEN, "layers": LAYERS,
              "heads": HEADS, "kv_heads": KV_HEADS, "intermediate": INTERMEDIATE, "adapters": ADAPTERS,
              "lora_rank": LORA_RANK, "lora_alpha": LORA_ALPHA, "lora_targets": LORA_TARGETS}
    if not args.force and stamp.exists() and json.loads(stamp.read_text()) == recipe:
        print(f"make-model: {out} is already built")
        return 0
    if out.exists():
        shutil.rmtree(out)
    base = out / "base"
    base.mkdir(parents=True)
    tok = build_tokenizer(base, repo)
    model = build_base(base, tok)
    n = sum(p.numel() for p in model.parameters())
    print(f"make-model: base model -> {base} ({n / 1e6:.2f} M parameters, vocab {len(tok)})")
    build_adapters(base, out)
    stamp.write_text(json.dumps(recipe, indent=2) + "\n")
    sample = "the quick brown fox jumps over the lazy dog"
    print(f"make-model: '{sample}' -> {len(tok(sample)['input_ids'])} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
