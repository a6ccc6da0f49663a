"""Reads a Retort run's TensorBoard event file with the `tensorboard` package and checks every
scalar against the run's metrics.jsonl rounded to float32 (what TensorBoard stores), bit for bit.
The independent check of the Swift writer (TensorBoardWriter; the tests' TensorBoardReader).

    pip install tensorboard
    python3 Tests/Fixtures/tensorboard/read_events.py RUN_DIR
"""
import glob
import json
import struct
import sys

from tensorboard.backend.event_processing import event_accumulator

run = sys.argv[1]
(path,) = glob.glob(run + "/events.out.tfevents.*")
acc = event_accumulator.EventAccumulator(path, size_guidance={"scalars": 0, "tensors": 0})
acc.Reload()
print("scalar tags:", sorted(acc.Tags()["scalars"]))
print("tensor tags:", sorted(acc.Tags()["tensors"]))
recipe = acc.Tensors("recipe")[0].tensor_proto.string_val[0].decode()
print("recipe text:", repr(recipe[:50]))


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


expected = {}
for line in open(run + "/metrics.jsonl"):
    r = json.loads(line)
    step = r["step"]
    if "loss" in r:
        expected[("loss/total", step)] = r["loss"]
    for k, v in r.get("losses", {}).items():
        expected[("loss/" + k, step)] = v
    for key, tag in [("lr", "train/lr"), ("images_per_second", "train/images_per_second"),
                     ("data_wait_seconds", "train/data_wait_seconds")]:
        if key in r:
            expected[(tag, step)] = r[key]
    for k, v in r.get("metrics", {}).items():
        expected[("metrics/" + k, step)] = v
checked = mismatched = 0
for tag in acc.Tags()["scalars"]:
    for s in acc.Scalars(tag):
        if (tag, s.step) in expected:
            checked += 1
            if struct.pack("<f", s.value) != struct.pack("<f", f32(expected[(tag, s.step)])):
                mismatched += 1
                print("MISMATCH", tag, s.step, s.value, expected[(tag, s.step)])
print(f"{checked} scalars of metrics.jsonl checked ({len(expected)} expected), {mismatched} mismatched")
sys.exit(1 if mismatched or checked != len(expected) else 0)
