#!/usr/bin/env python3
"""Reference outputs for `retort embed` on a torchvision-named checkpoint without a recipe.

Uses the torchvision-style ResNet-18 (cifar stem, width 1/8) of make_nn_fixtures.py and its
committed weights (nn/resnet18_cifar_w0125.safetensors). Writes recipes/embed_io.safetensors:
  pixels    [3, 16, 16, 3] uint8 values (as F32), HWC, the images to put in a store
  mean/std  [3] the normalisation given to --mean/--std (pixels scaled to [0, 1] first)
  features  [3, 64] pooled features (eval mode), logits [3, 10]
Run from the repository root: python3 Tests/Fixtures/make_embed_fixture.py (PyTorch only here).
"""
import os
import sys

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_nn_fixtures import ResNet  # noqa: E402

torch.manual_seed(1)
model = ResNet([2, 2, 2, 2], [8, 16, 32, 64], 10, cifar=True)
model.load_state_dict(load_file(os.path.join(HERE, "nn", "resnet18_cifar_w0125.safetensors")))
model.eval()
pixels = torch.randint(0, 256, (3, 16, 16, 3), dtype=torch.uint8)
mean = torch.tensor([0.485, 0.456, 0.406])
std = torch.tensor([0.229, 0.224, 0.225])
x = (pixels.float().permute(0, 3, 1, 2) / 255.0 - mean[None, :, None, None]) / std[None, :, None, None]
with torch.no_grad():
    h = torch.relu(model.bn1(model.conv1(x)))
    for i in range(4):
        h = getattr(model, f"layer{i + 1}")(h)
    features = h.mean(dim=(2, 3))
    logits = model.fc(features)
os.makedirs(os.path.join(HERE, "recipes"), exist_ok=True)
save_file({"pixels": pixels.float(), "mean": mean, "std": std, "features": features, "logits": logits},
          os.path.join(HERE, "recipes", "embed_io.safetensors"))
print("wrote recipes/embed_io.safetensors")
