"""Reference cases for `retort loss` (Sources/Objectives/Losses/LossRegistry.swift), made with PyTorch.

Run: python3 Tests/Fixtures/make_loss_fixtures.py   (needs `pip install torch safetensors`)
Writes Tests/Fixtures/losses/CASE.inputs.safetensors (the named inputs, F32/I64),
CASE.expected.safetensors (F32 `loss` of shape [] and `grad.X` for every F32 input X, zeros where
the reference stops the gradient, plus the loss's extra outputs: F32 `assignments`, I64 `labels`) and cases.json (case -> loss name and `--param` values).
PyTorch is used only to make these files; it is never a dependency of Retort.

Each reference below is written after the code it names (not copied). Inputs are float32; the
references run in float64 on those exact values, so the expected numbers are the exact answer
for the stored inputs, rounded once to float32.
"""
import json
import math
import os

import numpy as np
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


def sinkhorn_reference(scores, epsilon, iterations):
    """facebookresearch/swav main_swav.py `distributed_sinkhorn` on one process (every
    `dist.all_reduce` is the identity, B = batch size): Q = exp(S/eps)^T without max-subtraction,
    Q /= sum(Q); `iterations` times: rows (prototypes) to 1/K, columns (samples) to 1/B; returns
    (Q * B)^T, rows summing to 1. No gradient."""
    with torch.no_grad():
        q = torch.exp(scores / epsilon).t()
        b = q.shape[1]
        k = q.shape[0]
        q /= torch.sum(q)
        for _ in range(iterations):
            q /= torch.sum(q, dim=1, keepdim=True)
            q /= k
            q /= torch.sum(q, dim=0, keepdim=True)
            q /= b
        q *= b
        return q.t()


def swav_reference(scores, views, assign, temperature, epsilon, iterations, queue=None):
    """main_swav.py `train`, the swav loss block on one process: for each crop_id of
    crops_for_assign, under no_grad out = output[bs*crop_id:bs*(crop_id+1)], with the queue's scores
    (queue[i] @ prototypes^T, given here directly) prepended, q = distributed_sinkhorn(out)[-bs:];
    subloss -= mean(sum(q * log_softmax(output_v / T))) over every other view v;
    loss += subloss / (n_crops - 1); finally loss /= len(crops_for_assign)."""
    bs = scores.shape[0] // views
    loss = 0
    for i, crop_id in enumerate(assign):
        with torch.no_grad():
            out = scores[bs * crop_id: bs * (crop_id + 1)].detach()
            if queue is not None:
                out = torch.cat((queue[i].detach(), out))
            q = sinkhorn_reference(out, epsilon, iterations)[-bs:]
        subloss = 0
        for v in [v for v in range(views) if v != crop_id]:
            x = scores[bs * v: bs * (v + 1)] / temperature
            subloss -= torch.mean(torch.sum(q * F.log_softmax(x, dim=1), dim=1))
        loss += subloss / (views - 1)
    return loss / len(assign)


def sela_reference(logits, lamb):
    """yukimasano/self-label sinkhornknopp.py `optimize_L_sk` (numpy, float64) on PS = softmax of
    one head's outputs (N x K): PS^T **= lambda; r = 1/K, c = 1/N; while err > 0.1:
    r = (1/K) / (PS @ c), c_new = (1/N) / (r^T @ PS)^T, err = nansum(|c / c_new - 1|) when
    counter % 10 == 0, c = c_new; then PS *= c, PS *= r (per row), labels = nanargmax over K."""
    ps = torch.softmax(logits.detach().double(), 1).numpy().T.copy()  # K x N
    k, n = ps.shape
    r = np.ones((k, 1), dtype=np.float64) / k
    c = np.ones((n, 1), dtype=np.float64) / n
    ps **= lamb
    inv_k = 1.0 / k
    inv_n = 1.0 / n
    err = 1e6
    counter = 0
    while err > 1e-1:
        r = inv_k / (ps @ c)
        c_new = inv_n / (r.T @ ps).T
        if counter % 10 == 0:
            err = np.nansum(np.abs(c / c_new - 1))
        c = c_new
        counter += 1
    ps *= np.squeeze(c)
    ps = ps.T
    ps *= np.squeeze(r)
    ps = ps.T
    return torch.from_numpy(np.nanargmax(ps, 0).astype(np.int64))


def dkd_reference(student, teacher, labels, alpha, beta, temperature):
    """mdistiller mdistiller/distillers/DKD.py `dkd_loss` (the teacher under no_grad, no warm-up
    factor): b = [p_g, 1 - p_g] by `cat_mask` of softmax(z/T), TCKD = kl_div(log b_s, b_t) summed
    (no eps in the log), NCKD = kl_div(log_softmax(s/T - 1000 gt), softmax(t/T - 1000 gt)) summed,
    each times T^2 / N; alpha TCKD + beta NCKD."""
    teacher = teacher.detach()
    gt = torch.zeros_like(student).scatter_(1, labels.reshape(-1, 1), 1).bool()
    other = torch.ones_like(student).scatter_(1, labels.reshape(-1, 1), 0).bool()

    def cat_mask(t):
        return torch.cat([(t * gt).sum(1, keepdims=True), (t * other).sum(1, keepdims=True)], dim=1)

    pred_student = cat_mask(F.softmax(student / temperature, dim=1))
    pred_teacher = cat_mask(F.softmax(teacher / temperature, dim=1))
    n = labels.shape[0]
    tckd = F.kl_div(torch.log(pred_student), pred_teacher, reduction="sum") * temperature ** 2 / n
    teacher_part2 = F.softmax(teacher / temperature - 1000.0 * gt, dim=1)
    log_student_part2 = F.log_softmax(student / temperature - 1000.0 * gt, dim=1)
    nckd = F.kl_div(log_student_part2, teacher_part2, reduction="sum") * temperature ** 2 / n
    return alpha * tckd + beta * nckd


def dml_reference(student, teacher):
    """PaddleClas ppcls/loss/dmlloss.py `DMLLoss` (act softmax) as SSLD uses it, the teacher frozen:
    (kl_div(log s, t, batchmean) + kl_div(log t, s, batchmean)) / 2 with s, t the softmaxes."""
    s = F.softmax(student, dim=-1)
    t = F.softmax(teacher.detach(), dim=-1)
    return (F.kl_div(torch.log(s), t, reduction="batchmean") + F.kl_div(torch.log(t), s, reduction="batchmean")) / 2.0


def meal_v2_reference(student, teachers):
    """MEAL-V2 extensions/teacher_wrapper.py (combine: mean of the teachers' softmaxes, no grad) and
    extensions/kd_loss.py `KLLoss` in training mode: -bmm(soft_labels, log_softmax(s)).mean()."""
    soft = torch.stack([F.softmax(t.detach(), dim=1) for t in teachers.unbind(0)]).mean(0)
    log_prob = F.log_softmax(student, dim=1)
    return (-torch.bmm(soft.unsqueeze(1), log_prob.unsqueeze(2))).mean()


def meal_v2_discriminator_reference(student, teacher):
    """MEAL-V2 loss.py `discriminatorLoss` after the discriminator (models/discriminator.py) ran:
    outputs of the student rows then the teacher rows, targets [1, 0] for the first half and
    [0, 1] for the second, nn.BCEWithLogitsLoss() (mean over all entries)."""
    output = torch.cat([student, teacher], 0)
    n = output.shape[0] // 2
    target = torch.tensor([[1.0, 0.0]] * n + [[0.0, 1.0]] * n, dtype=output.dtype)
    return torch.nn.BCEWithLogitsLoss()(output, target)
def clip_reference(image, text, log_scale):
    """open_clip src/open_clip/model.py `CLIP.forward` + src/open_clip/loss.py `ClipLoss` on one
    process (world_size 1, so the features are not gathered): the model returns
    F.normalize(features, dim=-1) for both towers and logit_scale.exp(); `get_logits` forms
    logits_per_image = logit_scale * image_features @ text_features.T and logits_per_text =
    logit_scale * text_features @ image_features.T; labels = arange(N);
    total_loss = (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2.
    The log-scale is a leaf, so its gradient is checked too."""
    image_features = F.normalize(image, dim=-1)
    text_features = F.normalize(text, dim=-1)
    logit_scale = log_scale.exp()
    logits_per_image = logit_scale * image_features @ text_features.T
    logits_per_text = logit_scale * text_features @ image_features.T
    labels = torch.arange(logits_per_image.shape[0], dtype=torch.long)
    return (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2
def ppm_reference(feat, gamma, clamp_value=0.0):
    """zdaxie/PixPro contrast/models/PixPro.py `PixPro.featprop` with pixpro_transform_layer = 0
    (value_transform = Identity): value = F.normalize(feat, dim=1); feat = F.normalize(feat, dim=1);
    attention = bmm(feat^T, feat), clamp(min=pixpro_clamp_value), + 1e-6 if p < 1, ** p;
    out = bmm(value, attention^T), reshaped to N x C x H x W (before forward's final normalize)."""
    n, c, h, w = feat.shape
    value = F.normalize(feat, dim=1).view(n, c, -1)
    x = F.normalize(feat, dim=1).view(n, c, -1)
    attention = torch.bmm(x.transpose(1, 2), x)
    attention = torch.clamp(attention, min=clamp_value)
    if gamma < 1.0:
        attention = attention + 1e-6
    attention = attention ** gamma
    return torch.bmm(value, attention.transpose(1, 2)).view(n, c, h, w)


def pixpro_regression_reference(q, k, coord_q, coord_k, pos_ratio):
    """PixPro.py module-level `regression_loss(q, k, coord_q, coord_k, pos_ratio)`, line by line:
    bin width/height = (x2 - x1) / W, (y2 - y1) / H; centres (i + 0.5) * bin + start; distance of
    every query/key centre pair divided by the larger bin diagonal; pos_mask = dist < pos_ratio
    (detached); logit = bmm(q^T, k); per sample sum(logit * mask) / (sum(mask) + 1e-6);
    -2 * mean."""
    n, c, h, w = q.shape
    q = q.view(n, c, -1)
    k = k.view(n, c, -1)
    x_array = torch.arange(0., float(w), dtype=coord_q.dtype).view(1, 1, -1).repeat(1, h, 1)
    y_array = torch.arange(0., float(h), dtype=coord_q.dtype).view(1, -1, 1).repeat(1, 1, w)
    q_bin_width = ((coord_q[:, 2] - coord_q[:, 0]) / w).view(-1, 1, 1)
    q_bin_height = ((coord_q[:, 3] - coord_q[:, 1]) / h).view(-1, 1, 1)
    k_bin_width = ((coord_k[:, 2] - coord_k[:, 0]) / w).view(-1, 1, 1)
    k_bin_height = ((coord_k[:, 3] - coord_k[:, 1]) / h).view(-1, 1, 1)
    q_start_x = coord_q[:, 0].view(-1, 1, 1)
    q_start_y = coord_q[:, 1].view(-1, 1, 1)
    k_start_x = coord_k[:, 0].view(-1, 1, 1)
    k_start_y = coord_k[:, 1].view(-1, 1, 1)
    q_bin_diag = torch.sqrt(q_bin_width ** 2 + q_bin_height ** 2)
    k_bin_diag = torch.sqrt(k_bin_width ** 2 + k_bin_height ** 2)
    max_bin_diag = torch.max(q_bin_diag, k_bin_diag)
    center_q_x = (x_array + 0.5) * q_bin_width + q_start_x
    center_q_y = (y_array + 0.5) * q_bin_height + q_start_y
    center_k_x = (x_array + 0.5) * k_bin_width + k_start_x
    center_k_y = (y_array + 0.5) * k_bin_height + k_start_y
    dist_center = torch.sqrt((center_q_x.view(-1, h * w, 1) - center_k_x.view(-1, 1, h * w)) ** 2
                             + (center_q_y.view(-1, h * w, 1) - center_k_y.view(-1, 1, h * w)) ** 2) / max_bin_diag
    pos_mask = (dist_center < pos_ratio).to(q.dtype).detach()
    logit = torch.bmm(q.transpose(1, 2), k)
    loss = (logit * pos_mask).sum(-1).sum(-1) / (pos_mask.sum(-1).sum(-1) + 1e-6)
    return -2 * loss.mean()


def pixpro_reference(y1, y2, x1, x2, box1, box2, pos_ratio):
    """PixPro.forward's pixel loss: pred = F.normalize(featprop(proj), dim=1) (the featprop output
    is given here as y), keys = F.normalize(proj_k, dim=1) under no_grad (x detached);
    regression_loss(pred_1, proj_2_ng, coord1, coord2) + regression_loss(pred_2, proj_1_ng, coord2, coord1).
    The coordinates carry no gradient (the mask is detached)."""
    p1, p2 = F.normalize(y1, dim=1), F.normalize(y2, dim=1)
    k1, k2 = F.normalize(x1.detach(), dim=1), F.normalize(x2.detach(), dim=1)
    b1, b2 = box1.detach(), box2.detach()
    return (pixpro_regression_reference(p1, k2, b1, b2, pos_ratio)
            + pixpro_regression_reference(p2, k1, b2, b1, pos_ratio))


def pixpro_coord(rng, height, width, scale=(0.08, 1.0), ratio=(3. / 4., 4. / 3.), flip_p=0.5):
    """contrast/data/transform_coord.py: RandomResizedCropCoord.get_params + __call__'s coord
    [j/(W-1), i/(H-1), (j+w-1)/(W-1), (i+h-1)/(H-1)], then RandomHorizontalFlipCoord swapping
    coord[0] and coord[2] with probability flip_p (python `random` as the reference, seeded here)."""
    import math
    area = height * width
    for _ in range(10):
        target_area = rng.uniform(*scale) * area
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        aspect_ratio = math.exp(rng.uniform(*log_ratio))
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if 0 < w <= width and 0 < h <= height:
            i = rng.randint(0, height - h)
            j = rng.randint(0, width - w)
            break
    else:
        i, j, h, w = 0, 0, height, width
    coord = torch.tensor([float(j) / (width - 1), float(i) / (height - 1),
                          float(j + w - 1) / (width - 1), float(i + h - 1) / (height - 1)])
    if rng.random() < flip_p:
        coord = torch.tensor([coord[2], coord[1], coord[0], coord[3]])
    return coord


# --- cases -------------------------------------------------------------------------------------

def ssl_inputs(g, n, d, names=("p1", "p2", "z1", "z2")):
    return {k: torch.randn(n, d, generator=g) for k in names}


def cosine_scores(g, n, k, d):
    """Prototype scores as SwAV computes them: cosines of L2-normalised embeddings [n, d] and
    prototypes [k, d], in [-1, 1]."""
    z = F.normalize(torch.randn(n, d, generator=g), dim=1)
    c = F.normalize(torch.randn(k, d, generator=g), dim=1)
    return z @ c.t()


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
    # SwAV and SeLa (appended, so that the earlier cases keep their random draws).
    for n, k, eps, iters in [(8, 5, None, None), (16, 12, "0.03", "5"), (4, 10, "0.1", "1")]:
        params = {}
        if eps is not None:
            params["epsilon"] = eps
        if iters is not None:
            params["iterations"] = iters
        epsilon, iterations = float(eps or "0.05"), int(iters or "3")
        inputs = {"scores": cosine_scores(g, n, k, 16)}
        cases.append((f"sinkhorn_n{n}_k{k}_e{eps or 'default'}_i{iters or 'default'}", "sinkhorn", inputs, params,
                      lambda x, p, e=epsilon, i=iterations: (torch.zeros(()), {"assignments": sinkhorn_reference(x["scores"], e, i)})))
    swav_cases = [
        # (views, N, K, queue length or None, assign, temperature, epsilon, iterations)
        (4, 6, 10, None, None, None, None, None),
        (3, 5, 12, 10, "0", "0.2", "0.03", "5"),
        (6, 4, 8, 8, "0,1", None, None, None),
        (2, 7, 9, None, "1,0", "0.5", "0.1", "2"),
    ]
    for views, n, k, length, assign, temp, eps, iters in swav_cases:
        params = {"views": str(views)}
        for key, value in [("assign", assign), ("temperature", temp), ("epsilon", eps), ("iterations", iters)]:
            if value is not None:
                params[key] = value
        assigned = [int(a) for a in (assign or "0,1").split(",")]
        inputs = {"scores": cosine_scores(g, views * n, k, 16)}
        if length is not None:
            inputs["queue"] = cosine_scores(g, len(assigned) * length, k, 16).reshape(len(assigned), length, k)
        cases.append((f"swav_v{views}_n{n}_k{k}_q{length or 0}_a{(assign or 'default').replace(',', '')}", "swav", inputs, params,
                      lambda x, p, views=views, assigned=assigned, t=float(temp or "0.1"), e=float(eps or "0.05"), i=int(iters or "3"):
                      swav_reference(x["scores"], views, assigned, t, e, i, x.get("queue"))))
    for n, k, lamb, scale in [(40, 5, None, 1.0), (100, 7, "10", 2.0), (64, 3, "2.5", 3.0)]:
        params = {} if lamb is None else {"lambda": lamb}
        inputs = {"logits": torch.randn(n, k, generator=g) * scale}
        cases.append((f"sela_n{n}_k{k}_l{lamb or 'default'}", "sela", inputs, params,
                      lambda x, p, lamb=float(lamb or "25"): (torch.zeros(()), {"labels": sela_reference(x["logits"], lamb)})))
    # DKD, DML (SSLD), MEAL V2 (appended, so that the earlier cases keep their random draws).
    dkd_cases = [
        # (N, K, alpha, beta, temperature, logit scale)
        (4, 10, None, None, None, 1.0),
        (16, 32, "0.5", "2", "1", 2.0),
        (8, 5, "2", "6", "2.5", 3.0),
        (6, 100, "1", "0.5", "8", 4.0),
    ]
    for n, k, a, b, t, scale in dkd_cases:
        params = {key: v for key, v in [("alpha", a), ("beta", b), ("temperature", t)] if v is not None}
        inputs = {"student": torch.randn(n, k, generator=g) * scale, "teacher": torch.randn(n, k, generator=g) * scale,
                  "labels": torch.randint(0, k, (n,), generator=g)}
        cases.append((f"dkd_n{n}_k{k}_a{a or 'default'}_b{b or 'default'}_t{t or 'default'}", "dkd", inputs, params,
                      lambda x, p, a=float(a or "1"), b=float(b or "8"), t=float(t or "4"):
                      dkd_reference(x["student"], x["teacher"], x["labels"], a, b, t)))
    for n, k, scale in [(4, 10, 1.0), (16, 32, 3.0), (1, 2, 5.0)]:
        inputs = {"student": torch.randn(n, k, generator=g) * scale, "teacher": torch.randn(n, k, generator=g) * scale}
        cases.append((f"dml_n{n}_k{k}", "dml", inputs, {}, lambda x, p: dml_reference(x["student"], x["teacher"])))
    for m, n, k, scale in [(2, 4, 10, 1.0), (3, 16, 32, 3.0), (1, 5, 7, 2.0)]:
        inputs = {"student": torch.randn(n, k, generator=g) * scale, "teachers": torch.randn(m, n, k, generator=g) * scale}
        cases.append((f"meal_v2_m{m}_n{n}_k{k}", "meal_v2", inputs, {}, lambda x, p: meal_v2_reference(x["student"], x["teachers"])))
    # MEAL V2's discriminator loss (appended).
    for n, scale in [(4, 1.0), (16, 3.0), (1, 2.0)]:
        # The discriminator ends in a ReLU, so its outputs are >= 0 (some exactly 0).
        inputs = {"student": F.relu(torch.randn(n, 2, generator=g) * scale), "teacher": F.relu(torch.randn(n, 2, generator=g) * scale)}
        cases.append((f"meal_v2_discriminator_n{n}", "meal_v2_discriminator", inputs, {},
                      lambda x, p: meal_v2_discriminator_reference(x["student"], x["teacher"])))
    # CLIP (appended): the log-scale at CLIP's init log(1/0.07), at both clamp bounds (0, ln 100)
    # and elsewhere; text correlated with its image so the diagonal matters.
    for n, d, log_scale in [(4, 8, math.log(1 / 0.07)), (16, 32, 0.0), (6, 16, math.log(100.0)), (1, 4, 1.0), (32, 64, 3.3)]:
        image = torch.randn(n, d, generator=g)
        text = 0.5 * image + torch.randn(n, d, generator=g)
        inputs = {"image": image, "text": text, "log_scale": torch.tensor(log_scale)}
        cases.append((f"clip_n{n}_d{d}_s{log_scale:.3f}", "clip", inputs, {},
                      lambda x, p: clip_reference(x["image"], x["text"], x["log_scale"])))
    # PixPro (appended after SeLa, so the earlier cases keep their random draws).
    for n, c, h, w, gamma in [(2, 8, 4, 4, None), (3, 6, 3, 5, "0.5"), (2, 16, 7, 7, "1"), (1, 4, 2, 3, "3")]:
        params = {} if gamma is None else {"gamma": gamma}
        inputs = {"features": torch.randn(n, c, h, w, generator=g)}
        cases.append((f"ppm_n{n}_c{c}_h{h}_w{w}_g{gamma or 'default'}", "ppm", inputs, params,
                      lambda x, p, gm=float(gamma or "2"): (lambda y: ((y * x["features"]).sum(), {"propagated": y}))(
                          ppm_reference(x["features"], gm))))
    import random
    rng = random.Random(20261204)
    pixpro_cases = [
        # (N, C, H, W, threshold, source image height, width, crop scale, box layout)
        (4, 8, 7, 7, None, 56, 56, (0.08, 1.0), "random"),
        (3, 6, 4, 5, "1.5", 56, 40, (0.3, 1.0), "random"),
        (3, 5, 3, 3, "0.7", 28, 28, (0.08, 1.0), "special"),
        (2, 4, 5, 4, "2.5", 32, 48, (0.2, 1.0), "random"),
    ]
    for n, c, h, w, thr, img_h, img_w, scale, layout in pixpro_cases:
        params = {} if thr is None else {"threshold": thr}
        inputs = {k: torch.randn(n, c, h, w, generator=g) for k in ("y1", "y2", "x1", "x2")}
        box1 = torch.stack([pixpro_coord(rng, img_h, img_w, scale) for _ in range(n)])
        box2 = torch.stack([pixpro_coord(rng, img_h, img_w, scale) for _ in range(n)])
        if layout == "special":
            # sample 0: the same crop in both views (only the matching bins are positive, as
            # neighbours are 1/sqrt(2) diagonals apart); sample 1: that crop and its mirror;
            # sample 2: disjoint crops (no positive pair: the sample counts 0 in the mean).
            box1[0] = torch.tensor([0.1, 0.2, 0.7, 0.9])
            box2[0] = box1[0]
            box1[1] = torch.tensor([0.0, 0.0, 1.0, 1.0])
            box2[1] = torch.tensor([1.0, 0.0, 0.0, 1.0])
            box1[2] = torch.tensor([0.0, 0.0, 0.3, 0.3])
            box2[2] = torch.tensor([1.0, 0.6, 0.7, 1.0])
        inputs["box1"], inputs["box2"] = box1, box2
        cases.append((f"pixpro_n{n}_c{c}_h{h}_w{w}_t{thr or 'default'}_{layout}", "pixpro", inputs, params,
                      lambda x, p, t=float(thr or "0.7"): pixpro_reference(x["y1"], x["y2"], x["x1"], x["x2"], x["box1"], x["box2"], t)))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    for name, loss_name, inputs, params, reference in case_list():
        # F32 inputs (labels stay I64).
        inputs = {k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in inputs.items()}
        leaves = {k: v.double().requires_grad_() if v.is_floating_point() else v for k, v in inputs.items()}
        result = reference(leaves, params)
        # A reference returns the loss, or (loss, extra outputs) for losses with extra outputs.
        loss, extras = result if isinstance(result, tuple) else (result, {})
        if loss.requires_grad:
            loss.backward()
        expected = {"loss": loss.detach().float().reshape(())}
        for k, v in leaves.items():
            if v.is_floating_point():
                grad = v.grad if v.grad is not None else torch.zeros_like(v)
                expected["grad." + k] = grad.float().contiguous()
        for k, v in extras.items():
            expected[k] = v.contiguous() if v.dtype == torch.int64 else v.detach().float().contiguous()
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
