#!/usr/bin/env python3
"""The DOT optimizer fixture (Tests/Fixtures/nn/dot.safetensors), made with PyTorch (CPU).

Run from the repository root:  python3 Tests/Fixtures/make_dot_fixtures.py
PyTorch and safetensors are needed only to regenerate it, never to build or test Retort.

`DistillationOrientedTrainer` below is a port of mdistiller mdistiller/engine/dot.py (commit
a08d46f1): a torch.optim.Optimizer with one parameter group whose `step_kd` records the KD
gradients (`p.grad` after the KD backward) and the KD momentum buffers, and whose `step` applies
the task update, then the KD update, per parameter:

  task phase, each p with a task gradient:   d = g_task + wd p
      buf = d (first) | (mu - delta) buf + d (p also has a KD gradient) | mu buf + d (task only)
      p -= lr buf
  KD phase, each p with a KD gradient:
      kbuf = g_kd (first, no weight decay) | (mu + delta) kbuf + g_kd (p also has a task gradient)
           | mu kbuf + g_kd + wd p (KD only)
      p -= lr kbuf

(mu is (momentum + momentum_kd) / 2, the mean of the two momenta.) It is driven as mdistiller's
`DOT.train_iter` drives it: zero_grad(set_to_none=True), KD gradients, step_kd(),
zero_grad(set_to_none=True), task gradients, step(). The gradients are fixed random tensors
(stored), so the trajectory depends only on the update rule.

Parameters: `weight` [4, 3] gets both gradients (shared), `bias` [4] only the task gradient,
`norm_scale` [4] only the KD gradient. Stored: init.*, task{s}.* and kd{s}.* (step s = 0..4, only
for the parameters that get that gradient), and the parameters after 5 steps as dot.* (lr 0.1,
momentum 0.9, delta 0.075, weight decay 1e-2) and dot_nodecay.* (lr 0.05, momentum 0.9, delta 0.09,
no weight decay), plus each buffer after the 5 steps as buffer.<name>.<param>.
"""
import os

import torch
from safetensors.torch import save_file
from torch.optim.optimizer import Optimizer

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nn")


class DistillationOrientedTrainer(Optimizer):
    """Port of mdistiller's DistillationOrientedTrainer (dampening 0, one parameter group)."""

    def __init__(self, params, lr, momentum, momentum_kd, weight_decay):
        super().__init__(params, dict(lr=lr, momentum=momentum, momentum_kd=momentum_kd, weight_decay=weight_decay))
        self.kd_grads, self.kd_params = [], []

    @torch.no_grad()
    def step_kd(self):
        assert len(self.param_groups) == 1
        group = self.param_groups[0]
        self.kd_params = [p for p in group["params"] if p.grad is not None]
        self.kd_grads = [p.grad for p in self.kd_params]

    @torch.no_grad()
    def step(self):
        assert len(self.param_groups) == 1
        group = self.param_groups[0]
        lr, wd = group["lr"], group["weight_decay"]
        m_task, m_kd = group["momentum"], group["momentum_kd"]
        m_mean = (m_kd + m_task) / 2.0

        def is_in(p, ps):
            return any(p is q for q in ps)

        task_params = [p for p in group["params"] if p.grad is not None]
        for p in task_params:
            d = p.grad
            if wd != 0:
                d = d.add(p, alpha=wd)
            state = self.state[p]
            if "momentum_buffer" not in state:
                buf = torch.clone(d).detach()
            elif is_in(p, self.kd_params):
                buf = state["momentum_buffer"].mul_(m_task).add_(d)
            else:
                buf = state["momentum_buffer"].mul_(m_mean).add_(d)
            state["momentum_buffer"] = buf
            p.add_(buf, alpha=-lr)
        for p, g in zip(self.kd_params, self.kd_grads):
            state = self.state[p]
            if "momentum_kd_buffer" not in state:
                buf = torch.clone(g).detach()
            elif is_in(p, task_params):
                buf = state["momentum_kd_buffer"].mul_(m_kd).add_(g)
            else:
                if wd != 0:
                    g = g.add(p, alpha=wd)
                buf = state["momentum_kd_buffer"].mul_(m_mean).add_(g)
            state["momentum_kd_buffer"] = buf
            p.add_(buf, alpha=-lr)
        self.kd_grads, self.kd_params = [], []


def main():
    torch.manual_seed(13)
    init = {"weight": torch.randn(4, 3), "bias": torch.randn(4) * 0.1, "norm_scale": 1 + 0.1 * torch.randn(4)}
    task = [{k: torch.randn_like(init[k]) for k in ("weight", "bias")} for _ in range(5)]
    kd = [{k: torch.randn_like(init[k]) for k in ("weight", "norm_scale")} for _ in range(5)]
    out = {f"init.{k}": v for k, v in init.items()}
    for s in range(5):
        out.update({f"task{s}.{k}": v for k, v in task[s].items()})
        out.update({f"kd{s}.{k}": v for k, v in kd[s].items()})

    def run(name, lr, momentum, delta, weight_decay, buffers):
        params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
        opt = DistillationOrientedTrainer(list(params.values()), lr=lr, momentum=momentum - delta,
                                          momentum_kd=momentum + delta, weight_decay=weight_decay)
        for s in range(5):
            opt.zero_grad(set_to_none=True)
            for k, g in kd[s].items():
                params[k].grad = g.clone()
            opt.step_kd()
            opt.zero_grad(set_to_none=True)
            for k, g in task[s].items():
                params[k].grad = g.clone()
            opt.step()
        for k, p in params.items():
            out[f"{name}.{k}"] = p.detach().clone()
            if buffers:
                for b in ("momentum_buffer", "momentum_kd_buffer"):
                    if b in opt.state[p]:
                        out[f"buffer.{b}.{k}"] = opt.state[p][b].clone()

    run("dot", lr=0.1, momentum=0.9, delta=0.075, weight_decay=1e-2, buffers=True)
    run("dot_nodecay", lr=0.05, momentum=0.9, delta=0.09, weight_decay=0.0, buffers=False)
    os.makedirs(OUT, exist_ok=True)
    save_file({k: v.contiguous() for k, v in out.items()}, os.path.join(OUT, "dot.safetensors"))
    print("wrote", os.path.join(OUT, "dot.safetensors"), len(out), "tensors")


if __name__ == "__main__":
    main()
