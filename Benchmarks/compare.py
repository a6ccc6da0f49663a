#!/usr/bin/env python3
"""Retort against PyTorch CPU, alternating, workload by workload (`make bench-compare`).

For each workload, `--rounds` times (at least 5 for a claim): the PyTorch twin (`Benchmarks/torch_*.py`)
and the `retort-bench` suite that measures the same step, one after the other, each a fresh process (the
order alternates between rounds). Prints per workload the median Retort / PyTorch ratio of images per
second with its spread (min-max over rounds), the median peak resident memory of both processes (from
wait4's ru_maxrss), and once the CPU model and flags and the OpenBLAS kernel set retort-bench reports.
Each tool's own "best of --iterations after one warm-up" is one round's number.

Usage: python3 Benchmarks/compare.py [--rounds 5] [--iterations 3] [--threads 2] [--only NAME ...]
       [--bench .build/release/retort-bench] [--json OUT] [--emulate-avx2]
Workloads here: resnet18_cifar_32_b128, resnet50_224_b16, vit_tiny_p4_32_b128, vit_small_p16_224_b32 (training
and inference), the KD
step (ResNet-18 teacher, x0.25 student, batch 128), the CLIP step (ResNet-18 x0.5 + text tower, batch 256)
the text tower's step alone (the CLIP recipe's tower, batch 256, in the same processes as the CLIP step),
the SwAV step (batch 256) and the BYOL step (batch 256).
PyTorch is never a build or CI dependency: without torch the script says so and exits.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT = r"([0-9]+(?:\.[0-9]+)?)"


def workloads(a):
    py = [sys.executable]
    it = ["--iterations", str(a.iterations), "--threads", str(a.threads)]
    isa = ["--isa", "avx2"] if a.emulate_avx2 else []
    out = []
    for name in ["resnet18_cifar_32_b128", "resnet50_224_b16", "vit_tiny_p4_32_b128", "vit_small_p16_224_b32"]:
        torch_cmd = py + [os.path.join(HERE, "torch_zoo.py"), "--only", name, "--out", "/dev/null"] + it
        retort_cmd = [a.bench, "zoo", "--only", name] + it + isa
        for phase, column in (("train", 0), ("infer", 1)):
            out.append({
                "name": f"{name} {phase}", "group": name,
                "torch": torch_cmd, "torch_re": rf"{name}: batch \d+ train {FLOAT} img/s, infer {FLOAT} img/s", "torch_group": 1 + column,
                "retort": retort_cmd, "retort_re": rf"\| {name} \| \d+ \| {FLOAT} \| {FLOAT} \|", "retort_group": 1 + column,
            })
    out.append({
        "name": "kd step b128", "group": "kd",
        "torch": py + [os.path.join(HERE, "torch_kd.py"), "--out", "/dev/null"] + it, "torch_re": rf"kd step .*batch \d+: {FLOAT} s, {FLOAT} img/s", "torch_group": 2,
        "retort": [a.bench, "kd"] + it + isa, "retort_re": rf"kd step, resnet18 teacher .*batch \d+: {FLOAT} s, {FLOAT} img/s", "retort_group": 2,
    })
    clip_torch, clip_retort = py + [os.path.join(HERE, "torch_clip.py"), "--out", "/dev/null"] + it, [a.bench, "clip"] + it + isa
    out.append({
        "name": "clip step b256", "group": "clip",
        "torch": clip_torch, "torch_re": rf"clip step batch \d+: {FLOAT} s, {FLOAT} img/s", "torch_group": 2,
        "retort": clip_retort, "retort_re": rf"clip step resnet18 .*batch \d+: {FLOAT} s, {FLOAT} img/s", "retort_group": 2,
    })
    out.append({
        "name": "text tower step b256", "group": "clip",
        "torch": clip_torch, "torch_re": rf"text tower step batch \d+: {FLOAT} s, {FLOAT} captions/s", "torch_group": 2,
        "retort": clip_retort, "retort_re": rf"text tower step .*batch \d+: {FLOAT} s, {FLOAT} captions/s", "retort_group": 2,
    })
    out.append({
        "name": "byol step b256", "group": "byol",
        "torch": py + [os.path.join(HERE, "torch_byol.py"), "--out", "/dev/null"] + it, "torch_re": rf"byol step batch \d+: {FLOAT} s, {FLOAT} img/s", "torch_group": 2,
        "retort": [a.bench, "ssl", "--skip-sela", "--skip-swav"] + it + isa, "retort_re": rf"byol step .*batch \d+: {FLOAT} s, {FLOAT} img/s", "retort_group": 2,
    })
    out.append({
        "name": "swav step b256", "group": "swav",
        "torch": py + [os.path.join(HERE, "torch_swav.py"), "--out", "/dev/null"] + it, "torch_re": rf"swav step batch \d+: {FLOAT} s, {FLOAT} img/s", "torch_group": 2,
        "retort": [a.bench, "ssl", "--skip-byol"] + it + isa, "retort_re": rf"swav step .*batch \d+: {FLOAT} s, {FLOAT} img/s", "retort_group": 2,
    })
    return out


def run(cmd):
    """Runs cmd; returns (stdout, peak resident bytes of that process)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    text = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {p.returncode}:\n{text}")
    return text, usage.ru_maxrss * 1024


def number(text, pattern, group, what):
    m = re.search(pattern, text)
    if not m:
        raise SystemExit(f"no number for {what} in:\n{text}")
    return float(m.group(group))


def cpu():
    model, flags = "?", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    simd = [f for f in ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni") if f in flags]
    return model, simd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, help="workload groups: resnet18_cifar_32_b128 ... kd clip swav")
    ap.add_argument("--bench", default=os.path.join(HERE, "..", ".build", "release", "retort-bench"))
    ap.add_argument("--json", default=None)
    ap.add_argument("--emulate-avx2", action="store_true",
                    help="run both sides as an AVX2-only machine would: PyTorch with ATen, oneDNN and MKL capped at AVX2; "
                         "retort-bench with OPENBLAS_CORETYPE=Zen and --isa avx2")
    a = ap.parse_args()
    if a.emulate_avx2:
        os.environ.update({"ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2"})
        os.environ["OPENBLAS_CORETYPE"] = "Zen"
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not installed (pip install torch): no comparison")
        return
    model, simd = cpu()
    print(f"CPU: {model}; flags {' '.join(simd)}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset: OpenBLAS chooses)')}")
    import torch
    print(f"PyTorch {torch.__version__}, ATen CPU capability {torch.backends.cpu.get_cpu_capability()}"
          + (" (emulated AVX2-only machine: ATEN_CPU_CAPABILITY, DNNL_MAX_CPU_ISA, MKL_ENABLE_INSTRUCTIONS = AVX2; "
             "retort-bench --isa avx2, OPENBLAS_CORETYPE=Zen)" if a.emulate_avx2 else ""))
    rows = [w for w in workloads(a) if not a.only or w["group"] in a.only]
    groups = []
    for w in rows:
        if w["group"] not in groups:
            groups.append(w["group"])
    results = {w["name"]: {"torch": [], "retort": [], "torch_rss": [], "retort_rss": []} for w in rows}
    kernel = None
    for r in range(a.rounds):
        for g in groups:
            members = [w for w in rows if w["group"] == g]
            order = ["torch", "retort"] if r % 2 == 0 else ["retort", "torch"]
            for side in order:
                text, rss = run(members[0][side])
                if side == "retort" and kernel is None:
                    m, c = re.search(r"OpenBLAS kernels: (.*)", text), re.search(r"C kernels: (.*)", text)
                    kernel = (m.group(1) if m else "?") + f"; C kernels {c.group(1) if c else '?'}"
                for w in members:
                    results[w["name"]][side].append(number(text, w[f"{side}_re"], w[f"{side}_group"], f"{side} {w['name']}"))
                    results[w["name"]][f"{side}_rss"].append(rss)
        print(f"round {r + 1} of {a.rounds} done", flush=True)
    print(f"OpenBLAS kernels (retort-bench): {kernel}")
    print(f"{a.rounds} rounds, alternating; each number the tool's best of {a.iterations} after a warm-up, {a.threads} threads")
    print("| workload | Retort img/s (median) | PyTorch img/s (median) | ratio median | ratio min-max | peak RSS Retort / PyTorch (MiB) |")
    print("| --- | --- | --- | --- | --- | --- |")
    summary = {}
    for w in rows:
        res = results[w["name"]]
        ratios = [x / y for x, y in zip(res["retort"], res["torch"])]
        line = (f"| {w['name']} | {statistics.median(res['retort']):.1f} | {statistics.median(res['torch']):.1f} | "
                f"**{statistics.median(ratios):.2f}** | {min(ratios):.2f}-{max(ratios):.2f} | "
                f"{statistics.median(res['retort_rss']) / 2**20:.0f} / {statistics.median(res['torch_rss']) / 2**20:.0f} |")
        print(line)
        summary[w["name"]] = {"ratios": ratios, **res}
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"cpu": model, "simd": simd, "openblas": kernel, "results": summary}, f, indent=1)


if __name__ == "__main__":
    main()
