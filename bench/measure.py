"""Runs one client against the simulator and measures it the same way whatever the client is: every 0.2 s it reads
the client's CPU time (/proc/PID/stat, user + system) and RSS, and the simulator's tokens written
(lorax_sim_tokens_written_total). CPU per token is taken over the steady part, from 1 s after the first token to
the last sample where tokens still grew, so start-up, connection set-up and end-of-run reporting are left out
the same way for every client. A client that forks workers (inference-perf) is measured as its whole process
tree: CPU of every live descendant plus what reaped ones left in their parents' cutime/cstime, RSS as the sum of
each process's peak (shared pages counted once per process, so an upper bound). Prints one JSON line.
Usage: measure.py SIM_PORT NAME -- CMD..."""
import json, os, subprocess, sys, time, urllib.request

port, name = sys.argv[1], sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
tick = os.sysconf("SC_CLK_TCK")


last_tokens = 0


def tokens():
    """The simulator's count; the last one read when a busy simulator does not answer within 2 s."""
    global last_tokens
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            for line in r.read().decode().splitlines():
                if line.startswith("lorax_sim_tokens_written_total"):
                    last_tokens = int(float(line.split()[1]))
    except OSError:
        pass
    return last_tokens


def stat_of(pid):
    """(ppid, CPU seconds of the process and of its reaped children) from /proc/PID/stat, or None if it is gone."""
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[1]), sum(int(v) for v in parts[11:15]) / tick


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))


def cpu_and_rss(root):
    """CPU seconds and summed peak RSS of ROOT and its live descendants; None when ROOT is gone."""
    parent, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent[int(entry)], cpu[int(entry)] = stat_of(entry)
            except (OSError, IndexError, ValueError):
                pass
    if root not in parent:
        return None
    tree, frontier = {root}, [root]
    while frontier:
        kids = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(kids)
        frontier = kids
    rss = 0
    for p in tree:
        try:
            rss += peak_rss_kib(p)
        except (OSError, StopIteration, IndexError):
            pass
    return sum(cpu[p] for p in tree), rss


p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
samples = []  # (time, cpu, rss, tokens)
base = tokens()
while p.poll() is None:
    s = cpu_and_rss(p.pid)
    t = tokens() - base
    if s:
        samples.append((time.monotonic(), s[0], s[1], t))
    time.sleep(0.2)
out, err = p.communicate()
first = next((i for i, s in enumerate(samples) if s[3] > 0), None)
result = {"client": name, "rc": p.returncode, "tokens": samples[-1][3] if samples else 0,
          "peak_rss_kib": max((s[2] for s in samples), default=0), "start_rss_kib": samples[0][2] if samples else 0}
if first is not None:
    start = next((i for i in range(first, len(samples)) if samples[i][0] >= samples[first][0] + 1.0), first)
    last = max(i for i in range(len(samples)) if samples[i][3] > samples[i - 1][3]) if len(samples) > 1 else first
    if last > start:
        a, b = samples[start], samples[last]
        result.update(steady_s=round(b[0] - a[0], 2), steady_tokens=b[3] - a[3], steady_cpu_s=round(b[1] - a[1], 3),
                      cpu_us_per_token=round((b[1] - a[1]) / max(1, b[3] - a[3]) * 1e6, 2),
                      cores=round((b[1] - a[1]) / (b[0] - a[0]), 3))
if p.returncode != 0:
    result["stderr"] = err[-400:]
print(json.dumps(result))
