#!/usr/bin/env python3
"""PyTorch DataLoader baseline for `retort-bench store` (same images, same pipelines).

Usage:
  python3 Benchmarks/torch_loader.py fmnist [--dir /usr/share/datasets/fashion-mnist]
  python3 Benchmarks/torch_loader.py raw FILE.u8 --size 32 --channels 3   # from retort-bench store --export DIR
  python3 Benchmarks/torch_loader.py jpeg DIR                             # DIR/jpeg/0/*.jpg from --export
Options: --workers 2 --batch 256 --batches 40
Never a dependency of Retort: only run when `python3 -c "import torch, torchvision"` works.
"""
import argparse, gzip, os, struct, sys, time

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image


def ssl_view(size, gray):
    mean, std = ([0.5], [0.25]) if gray else ([0.5] * 3, [0.25] * 3)
    return T.Compose([
        T.RandomResizedCrop(size, scale=(0.08, 1.0)),
        T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8),
        T.RandomGrayscale(p=0.2),
        T.ToTensor(),
        T.Normalize(mean, std),
    ])


class ArrayViews(torch.utils.data.Dataset):
    """Two SSL views of uint8 HWC arrays."""
    def __init__(self, images, labels, size):
        self.images, self.labels = images, labels
        self.gray = images.shape[-1] == 1
        self.t = ssl_view(size, self.gray)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        a = self.images[i]
        img = Image.fromarray(a[..., 0] if self.gray else a, mode="L" if self.gray else "RGB")
        return self.t(img), self.t(img), int(self.labels[i])


class JpegRRC(torch.utils.data.Dataset):
    """JPEG file -> RandomResizedCrop(224) + flip -> normalised tensor (one view)."""
    def __init__(self, files):
        self.files = files
        self.t = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
                            T.Normalize([0.5] * 3, [0.25] * 3)])

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with open(self.files[i], "rb") as f:
            img = Image.open(f).convert("RGB")
        return self.t(img), 0


def load_idx(d):
    with gzip.open(os.path.join(d, "train-images-idx3-ubyte.gz")) as f:
        _, n, r, c = struct.unpack(">IIII", f.read(16))
        x = np.frombuffer(f.read(), np.uint8).reshape(n, r, c, 1)
    with gzip.open(os.path.join(d, "train-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        y = np.frombuffer(f.read(), np.uint8)
    return x, y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["fmnist", "raw", "jpeg"])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--batches", type=int, default=40)
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.kind == "fmnist":
        x, y = load_idx(a.dir)
        ds, name = ArrayViews(x, y, 28), "Fashion-MNIST two-view SSL"
    elif a.kind == "raw":
        x = np.fromfile(a.path, np.uint8).reshape(-1, a.size, a.size, a.channels)
        ds, name = ArrayViews(x, np.zeros(len(x), np.int64), a.size), f"raw {a.size}x{a.size}x{a.channels} two-view SSL"
    else:
        root = os.path.join(a.path, "jpeg", "0")
        files = sorted(os.path.join(root, f) for f in os.listdir(root))
        ds, name = JpegRRC(files), "JPEG RRC-224 + flip"
        a.batch = 32
    dl = torch.utils.data.DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, drop_last=True,
                                     persistent_workers=True)
    n, t0, seen = 0, None, 0
    while seen < a.batches + 2:
        for b in dl:
            seen += 1
            if seen == 2:
                t0 = time.perf_counter()
            elif seen > 2:
                n += b[0].shape[0]
            if seen >= a.batches + 2:
                break
    dt = time.perf_counter() - t0
    print(f"torch {torch.__version__} torchvision DataLoader ({a.workers} workers, batch {a.batch}): {name}: {n / dt:.0f} img/s")


if __name__ == "__main__":
    sys.exit(main())
