#!/usr/bin/env python3
"""PyTorch baseline for `retort-bench kd` (a Hinton KD step with a live teacher): the same workload as
KDBench.swift, after mdistiller's `Distiller`/`KD` on one process: a frozen ResNet-18 teacher (cifar stem,
full width, 1 input channel, 10 classes) in eval mode under no_grad, and a ResNet-18 student at width 0.25
training on the same 1 x 28 x 28 view; loss 0.5 * CE + 0.5 * T^2 * KL(softmax(t/T) || softmax(s/T)) at T = 4
(batchmean), backward, SGD(lr 0.1, momentum 0.9, nesterov, wd 5e-4). Best of N after one warm-up.

Usage: python3 Benchmarks/torch_kd.py [--threads 2] [--iterations 3] [--batch 128] [--out .build/torch_kd.json]
Writes {"images_per_second": ..., "seconds": ..., "batch": ..., "student_seconds": ...} (read by retort-bench kd);
`student_seconds` is the same student's supervised step without the teacher.
"""

from torch_blocks import CifarResNet18, F, best_seconds, nn, step_arguments, torch, write_result  # torch, or a clean exit without it


class ResNet18(nn.Module):
    """ResNet-18, cifar stem (3x3 stride 1, no max-pool), 1 input channel, a linear classifier."""

    def __init__(self, width=1.0, classes=10):
        super().__init__()
        self.trunk = CifarResNet18(width)
        self.fc = nn.Linear(self.trunk.channels, classes)

    def forward(self, x):
        return self.fc(self.trunk.features(x))


def main():
    a = step_arguments("kd", batch=128)
    teacher, student = ResNet18(1.0).eval(), ResNet18(0.25)
    for p in teacher.parameters():
        p.requires_grad_(False)
    opt = torch.optim.SGD(student.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x, y, t = torch.randn(a.batch, 1, 28, 28), torch.arange(a.batch) % 10, 4.0

    def kd_step():
        student.train()
        with torch.no_grad():
            zt = teacher(x)
        zs = student(x)
        kl = F.kl_div(F.log_softmax(zs / t, dim=1), F.softmax(zt / t, dim=1), reduction="batchmean") * t * t
        loss = 0.5 * F.cross_entropy(zs, y) + 0.5 * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def student_step():
        student.train()
        loss = F.cross_entropy(student(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    seconds = best_seconds(kd_step, a.iterations)
    alone = best_seconds(student_step, a.iterations)
    result = {"images_per_second": a.batch / seconds, "seconds": seconds, "batch": a.batch, "threads": a.threads,
              "student_seconds": alone}
    print(f"torch {torch.__version__}, threads {a.threads}: kd step (resnet18 teacher, x0.25 student) batch {a.batch}: "
          f"{seconds:.3f} s, {a.batch / seconds:.1f} img/s; the student alone {alone:.3f} s")
    write_result(a.out, result, indent=1)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
