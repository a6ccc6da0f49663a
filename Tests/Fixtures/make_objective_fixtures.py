"""Reference values for Retort's objective losses, computed with PyTorch.

Run: python3 Tests/Fixtures/make_objective_fixtures.py  (writes Tests/Fixtures/objectives/*.json)
PyTorch is used only to make these fixtures; it is never a dependency of Retort.
"""
import json, os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
out_dir = os.path.join(os.path.dirname(__file__), "objectives")
os.makedirs(out_dir, exist_ok=True)

def dump(name, obj):
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(obj, f, indent=1)

def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]

# BYOL regression loss (byol/utils/helpers.py: l2 normalise with rsqrt(max(sum x^2, 1e-12))).
def l2n(x):
    return x * torch.rsqrt(torch.clamp((x * x).sum(-1, keepdim=True), min=1e-12))

p1 = torch.randn(6, 8, requires_grad=True); p2 = torch.randn(6, 8, requires_grad=True)
z1 = torch.randn(6, 8); z2 = torch.randn(6, 8)
def reg(p, z):
    return ((l2n(p) - l2n(z.detach())) ** 2).sum(-1).mean()
loss = reg(p1, z2) + reg(p2, z1)
loss.backward()
dump("byol.json", {"shape": [6, 8], "p1": flat(p1), "p2": flat(p2), "z1": flat(z1), "z2": flat(z2),
                   "loss": float(loss), "grad_p1": flat(p1.grad), "grad_p2": flat(p2.grad)})

# Hinton KD (mdistiller kd_loss): T^2 * KL(softmax(t/T) || softmax(s/T)), batchmean; plus CE.
s = (torch.randn(5, 7) * 3).requires_grad_(True); t = torch.randn(5, 7) * 3
labels = torch.tensor([0, 3, 6, 2, 2])
T, alpha = 4.0, 0.1
soft = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean") * T * T
hard = F.cross_entropy(s, labels)
total = alpha * hard + (1 - alpha) * soft
total.backward()
dump("kd.json", {"shape": [5, 7], "student": flat(s), "teacher": flat(t), "labels": labels.tolist(),
                 "temperature": T, "alpha": alpha, "soft": float(soft), "hard": float(hard),
                 "total": float(total), "grad_student": flat(s.grad)})
print("wrote", out_dir)
