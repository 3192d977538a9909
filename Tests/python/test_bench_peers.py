"""bench/peers.sh's pure parts, without the peers: the table it prints (ratios, the row of a peer that could not
run), bench/extras.py reading each tool's own result file and the simulator's ground truth, and bench/measure.py
counting the CPU of a client's child processes (inference-perf works in forked workers)."""
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, check=True, capture_output=True, text=True).stdout


def row(load, streams, client, cpt, **x):
    m = {"client": client, "rc": 0, "tokens": 1000, "steady_tokens": 900, "peak_rss_kib": 20480, "start_rss_kib": 10240,
         "cpu_us_per_token": cpt, "cores": 0.1}
    return json.dumps({"load": load, "streams": streams, "m": m, "x": x})


def test_peers_table_ratios_and_a_peer_that_could_not_run(tmp_path):
    res = tmp_path / "results.jsonl"
    res.write_text("\n".join([
        row("20 streams", 20, "lorabench", 40.0, own_ttft_p50_ms=11.0, own_ttft_p99_ms=20.5, sim_ttft_p50_ms=10.0,
            sim_ttft_p99_ms=19.0, ok=300, failed=0),
        row("20 streams", 20, "curl-multi", 20.0, sim_ttft_p50_ms=9.0, sim_ttft_p99_ms=18.0),
        row("20 streams", 20, "vllm-bench-serve", 100.0, own_ttft_p50_ms=30.0, own_ttft_p99_ms=90.0, ok=299, failed=1),
    ]) + "\n")
    missing = tmp_path / "unavailable.jsonl"
    missing.write_text(json.dumps({"client": "inference-perf", "why": "needs Python >= 3.12"}) + "\n")
    lines = run("bench/table.py", res, "--against", "lorabench,curl-multi", "--unavailable", missing).splitlines()
    assert lines[0].startswith("| load | client | tokens (steady) | CPU µs/token | × lorabench | × libcurl-multi |")
    assert "| 20 streams | lorabench | 900 | 40.0 | 1.00 | 2.00 | 0.100 | 20.0 | 11.0 / 20.5 | 10.0 / 19.0 | 300 / 0 |" in lines
    assert "| 20 streams | curl-multi | 900 | 20.0 | 0.50 | 1.00 | 0.100 | 20.0 | — / — | 9.0 / 18.0 | — / — |" in lines
    assert "| 20 streams | vllm-bench-serve | 900 | 100.0 | 2.50 | 5.00 | 0.100 | 20.0 | 30.0 / 90.0 | — / — | 299 / 1 |" in lines
    assert lines[-1].startswith("| 20 streams | inference-perf: not run — needs Python >= 3.12 | — |")


def test_compare_table_keeps_its_columns(tmp_path):
    res = tmp_path / "results.jsonl"
    res.write_text(row("20 streams", 20, "curl-multi", 20.0) + "\n" + row("20 streams", 20, "raw-epoll", 10.0) + "\n")
    lines = run("bench/table.py", res).splitlines()
    assert lines[0] == ("| load | client | tokens (steady) | CPU µs/token | × libcurl-multi | × raw epoll | cores | peak RSS MiB "
                        "| RSS KiB/stream | schedule_lag p99 ms | TTFT error p50 / p99 ms |")
    assert lines[2] == "| 20 streams | curl-multi | 900 | 20.0 | 1.00 | 2.00 | 0.100 | 20.0 | 512.0 | — | — / — |"


def truth(tmp_path):
    t = tmp_path / "truth.json"
    t.write_text(json.dumps([{"id": f"r{i}", "status": 200, "received_micros": 1000, "first_token_micros": 1000 + 1000 * (i + 1)}
                             for i in range(100)] + [{"id": "bad", "status": 422, "received_micros": 5, "first_token_micros": None}]))
    return t


def test_extras_reads_vllm_bench_serve_and_the_simulator_truth(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "vllm.json").write_text(json.dumps({"completed": 300, "failed": 2, "p50_ttft_ms": 19.0, "p99_ttft_ms": 87.25}))
    x = json.loads(run("bench/extras.py", run_dir, truth(tmp_path)))
    assert x == {"sim_n": 100, "sim_ttft_p50_ms": 51.0, "sim_ttft_p99_ms": 100.0, "ok": 300, "failed": 2,
                 "own_ttft_p50_ms": 19.0, "own_ttft_p99_ms": 87.25}


def test_extras_reads_inference_perf_in_seconds(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "summary_lifecycle_metrics.json").write_text(json.dumps({
        "successes": {"count": 60, "latency": {"time_to_first_token": {"median": 0.0147, "p99": 0.0619}}},
        "failures": {"count": 0}}))
    x = json.loads(run("bench/extras.py", run_dir, truth(tmp_path)))
    assert (x["ok"], x["failed"]) == (60, 0)
    assert abs(x["own_ttft_p50_ms"] - 14.7) < 1e-9 and abs(x["own_ttft_p99_ms"] - 61.9) < 1e-9


def test_extras_without_a_result_file_leaves_the_tool_figures_out(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    x = json.loads(run("bench/extras.py", run_dir, truth(tmp_path)))
    assert set(x) == {"sim_n", "sim_ttft_p50_ms", "sim_ttft_p99_ms"}


class Counter(http.server.BaseHTTPRequestHandler):
    """A /metrics whose lorax_sim_tokens_written_total grows by 100 on every read."""
    tokens = 0

    def do_GET(self):
        Counter.tokens += 100
        body = f"lorax_sim_tokens_written_total {Counter.tokens}\n".encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_measure_counts_the_cpu_of_forked_workers(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # The parent only sleeps; its child burns CPU for 3 s, as inference-perf's workers do the client's work.
        client = ("import os, time\n"
                  "if os.fork() == 0:\n"
                  "    end = time.monotonic() + 3\n"
                  "    while time.monotonic() < end: pass\n"
                  "    os._exit(0)\n"
                  "time.sleep(3.5); os.wait()\n")
        m = json.loads(run("bench/measure.py", server.server_address[1], "forker", "--", sys.executable, "-c", client))
    finally:
        server.shutdown()
    assert m["rc"] == 0
    assert m["cores"] > 0.3, m  # the parent alone would show ~0
    assert m["cpu_us_per_token"] > 0
