"""The official LoRAX Python client (lorax-client) against `lorabench sim`: generate and generate_stream."""
import os
import subprocess

import pytest
from lorax import Client


@pytest.fixture(scope="module")
def sim_url():
    binary = os.environ.get("LORABENCH_BIN", ".build/debug/lorabench")
    proc = subprocess.Popen([binary, "sim", "--port", "0", "--profile", "fast", "--seed", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert "listening on " in line, f"simulator did not start: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
    url = line.strip().rsplit(" ", 1)[-1]
    yield url
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def test_generate_returns_requested_token_count(sim_url):
    client = Client(sim_url)
    resp = client.generate("Why is the sky blue?", max_new_tokens=12)
    assert resp.details.generated_tokens == 12
    assert resp.details.finish_reason.value == "length"
    assert len(resp.generated_text) > 0


def test_generate_with_adapter(sim_url):
    client = Client(sim_url)
    resp = client.generate("Summarise: the cat sat on the mat.", adapter_id="org/adapter-1", max_new_tokens=5)
    assert resp.details.generated_tokens == 5


def test_generate_stream_tokens_and_final_details(sim_url):
    client = Client(sim_url)
    responses = list(client.generate_stream("Tell me a story", max_new_tokens=9))
    assert len(responses) == 9
    assert all(r.token.text for r in responses)
    assert all(r.generated_text is None for r in responses[:-1])
    final = responses[-1]
    assert final.generated_text == "".join(r.token.text for r in responses)
    assert final.details.generated_tokens == 9


def test_validation_error_is_raised(sim_url):
    from lorax.errors import ValidationError
    client = Client(sim_url)
    with pytest.raises(ValidationError):
        client.generate("hello", max_new_tokens=100000)
