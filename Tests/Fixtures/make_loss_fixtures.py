"""Reference cases for `retort loss` (Sources/Objectives/Losses/LossRegistry.swift), made with PyTorch.

Run: python3 Tests/Fixtures/make_loss_fixtures.py   (needs `pip install torch safetensors`)
Writes Tests/Fixtures/losses/CASE.inputs.safetensors (the named inputs, F32/I64),
CASE.expected.safetensors (F32 `loss` of shape [] and `grad.X` for every F32 input X, zeros where
the reference stops the gradient) and cases.json (case -> loss name and `--param` values).
PyTorch is used only to make these files; it is never a dependency of Retort.

Each reference below is written after the code it names (not copied). Inputs are float32; the
references run in float64 on those exact values, so the expected numbers are the exact answer
for the stored inputs, rounded once to float32.
"""
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "losses")


# --- references --------------------------------------------------------------------------------

def byol_reference(p1, p2, z1, z2):
    """deepmind-research byol/utils/helpers.py `regression_loss` (and solo-learn byol_loss_func):
    both sides scaled by rsqrt(max(sum x^2, 1e-12)), squared distance summed over features, batch
    mean; the targets come from the EMA network, i.e. carry no gradient. Symmetrised over views."""
    def normalise(x):
        return x * torch.rsqrt(torch.clamp((x * x).sum(-1, keepdim=True), min=1e-12))

    def regression(p, z):
        return ((normalise(p) - normalise(z.detach())) ** 2).sum(-1).mean()

    return regression(p1, z2) + regression(p2, z1)


def simsiam_reference(p1, p2, z1, z2):
    """facebookresearch/simsiam main_simsiam.py: criterion = nn.CosineSimilarity(dim=1) and
    loss = -(criterion(p1, z2).mean() + criterion(p2, z1).mean()) / 2, with z detached by the model
    (simsiam/builder.py returns z1.detach(), z2.detach())."""
    cos = torch.nn.CosineSimilarity(dim=1)
    return -0.5 * (cos(p1, z2.detach()).mean() + cos(p2, z1.detach()).mean())


def simclr_reference(z1, z2, temperature):
    """solo-learn solo/losses/simclr.py `simclr_loss_func` on a single process: z = cat(views),
    F.normalize, exp(z z^T / T); indexes = arange(N) repeated per view; positives are rows with the
    same index except the anchor itself, negatives those with another index;
    loss = -mean(log(pos / (pos + neg)))."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=-1)
    sim = torch.exp(torch.einsum("if,jf->ij", z, z) / temperature)
    indexes = torch.arange(n).repeat(2)
    pos_mask = indexes[:, None] == indexes[None, :]
    pos_mask.fill_diagonal_(False)
    neg_mask = indexes[:, None] != indexes[None, :]
    pos = (sim * pos_mask).sum(1)
    neg = (sim * neg_mask).sum(1)
    return -torch.log(pos / (pos + neg)).mean()


def kd_reference(student, teacher, temperature):
    """mdistiller mdistiller/distillers/KD.py `kd_loss`: log_softmax(s/T) against softmax(t/T),
    F.kl_div(reduction="none") summed over classes, batch mean, times T^2; the teacher runs under
    no_grad."""
    log_student = F.log_softmax(student / temperature, dim=1)
    teacher_p = F.softmax(teacher.detach() / temperature, dim=1)
    return F.kl_div(log_student, teacher_p, reduction="none").sum(1).mean() * temperature ** 2


# --- cases -------------------------------------------------------------------------------------

def ssl_inputs(g, n, d, names=("p1", "p2", "z1", "z2")):
    return {k: torch.randn(n, d, generator=g) for k in names}


def case_list():
    g = torch.Generator().manual_seed(20261127)
    cases = []
    # (case name, loss, inputs, parameters as typed, reference taking the float64 inputs)
    for n, d in [(4, 8), (16, 32), (1, 3)]:
        cases.append((f"byol_n{n}_d{d}", "byol", ssl_inputs(g, n, d), {},
                      lambda x, p: byol_reference(x["p1"], x["p2"], x["z1"], x["z2"])))
    for n, d in [(4, 8), (16, 32), (3, 5)]:
        cases.append((f"simsiam_n{n}_d{d}", "simsiam", ssl_inputs(g, n, d), {},
                      lambda x, p: simsiam_reference(x["p1"], x["p2"], x["z1"], x["z2"])))
    for n, d, t in [(4, 8, None), (16, 32, "0.5"), (6, 16, "0.07"), (2, 3, "1"), (1, 4, "0.2")]:
        params = {} if t is None else {"temperature": t}
        temperature = float(t or "0.1")
        inputs = ssl_inputs(g, n, d, ("z1", "z2"))
        # Make the two views somewhat correlated, as real views are (not so much that the
        # positive dominates and every gradient vanishes).
        inputs["z2"] = 0.3 * inputs["z1"] + inputs["z2"]
        cases.append((f"simclr_n{n}_d{d}_t{t or 'default'}", "simclr", inputs, params,
                      lambda x, p, temperature=temperature: simclr_reference(x["z1"], x["z2"], temperature)))
    for n, k, t, scale in [(4, 10, None, 1.0), (16, 32, "1", 2.0), (8, 5, "2.5", 3.0)]:
        params = {} if t is None else {"temperature": t}
        temperature = float(t or "4")
        inputs = {"student": torch.randn(n, k, generator=g) * scale, "teacher": torch.randn(n, k, generator=g) * scale}
        cases.append((f"kd_n{n}_k{k}_t{t or 'default'}", "kd", inputs, params,
                      lambda x, p, temperature=temperature: kd_reference(x["student"], x["teacher"], temperature)))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    for name, loss_name, inputs, params, reference in case_list():
        inputs = {k: v.float().contiguous() for k, v in inputs.items()}
        leaves = {k: v.double().requires_grad_(v.is_floating_point()) for k, v in inputs.items()}
        loss = reference(leaves, params)
        loss.backward()
        expected = {"loss": loss.detach().float().reshape(())}
        for k, v in leaves.items():
            if v.is_floating_point():
                grad = v.grad if v.grad is not None else torch.zeros_like(v)
                expected["grad." + k] = grad.float().contiguous()
        save_file(inputs, os.path.join(OUT, f"{name}.inputs.safetensors"))
        save_file(expected, os.path.join(OUT, f"{name}.expected.safetensors"))
        manifest.append({"case": name, "loss": loss_name, "parameters": params})
        print(f"{name}: loss {float(loss.detach()):.6f}")
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
