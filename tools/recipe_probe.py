#!/usr/bin/env python3
"""A quick probe of training recipes, for exploration only: nothing it trains is shipped.

The shipped model is trained on this project's CPU with `pconv train` (models/README.md). This
script runs the same stage-1 recipe in plain PyTorch so that a machine with a GPU, when one is
lent, can compare recipe changes from scratch in minutes instead of CPU-days: random-scale crops
of the 2048 px cached photos resized to 256 px and flipped, seed-style masks made by `pconv
masks`, loss L_valid + 6 L_hole + 0.1 TV on [0, 1] images, Adam at 2e-4, batch 6, BatchNorm in
training mode. Every sixth of the run it scores the composite (one pass, PSNR over whole 8-bit
images, per hole-ratio bucket) on cases written by `pconv eval --out`.

Prepare DATA (here; ~20 MB, so it travels with the working tree):
  DATA/photos/*.jpg    the training photos and artwork, scaled to 2048 px long side
  DATA/masks/*.png     `pconv masks --size 256 --hole-ratio LO:HI` in twelve 0.05-wide bands
                       from 0.01 to 0.6 (one band per call: --hole-ratio stops at the first
                       ratio inside LO..HI, so one wide band would give mostly small holes)
  DATA/eval256/        `pconv eval --images data/heldout --generate 4 --size 256 --out DATA/eval256`
                       (only its *_truth.png and *_mask.png are read)
  DATA/shipped.pt      optional: `pconv convert --from models/default.pconv --to DATA/shipped.pt`

usage: recipe_probe.py DATA NAME WIDTH AUG SECONDS LOG.jsonl [--l2 W] [--batch B] [--lr LR] [--workers N]
  NAME "shipped" scores DATA/shipped.pt instead of training. AUG 1 adds 90-degree rotations,
  gamma, saturation, per-channel gain and an occasional blur to each crop.
"""
import glob, json, math, os, random, sys, time
import cv2
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pconv_reference import PConvStudioNet  # noqa: E402

SIZE = 256


def load_photos(folder):
    out = []
    for p in sorted(glob.glob(os.path.join(folder, "*.jpg"))):
        im = cv2.imread(p, cv2.IMREAD_COLOR)
        out.append(im[:, :, ::-1].copy())
    return out


class Crops(torch.utils.data.IterableDataset):
    def __init__(self, photos, masks, aug, seed):
        self.photos, self.masks, self.aug, self.seed = photos, masks, aug, seed

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = random.Random(self.seed * 1000 + (info.id if info else 0))
        cv2.setNumThreads(1)
        while True:
            im = self.photos[rng.randrange(len(self.photos))]
            h, w = im.shape[:2]
            short = min(h, w)
            side = int(round(math.exp(rng.uniform(math.log(SIZE), math.log(short))))) if short > SIZE else short
            y, x = rng.randrange(h - side + 1), rng.randrange(w - side + 1)
            crop = cv2.resize(im[y:y + side, x:x + side], (SIZE, SIZE), interpolation=cv2.INTER_AREA)
            if rng.random() < 0.5:
                crop = crop[:, ::-1]
            crop = crop.astype(np.float32) / 255.0
            if self.aug:
                k = rng.randrange(4)
                crop = np.rot90(crop, k)
                # photometric: gamma, per-channel gain, saturation
                crop = crop ** math.exp(rng.uniform(-0.35, 0.35))
                grey = crop.mean(axis=2, keepdims=True)
                crop = grey + (crop - grey) * rng.uniform(0.6, 1.4)
                crop = crop * np.array([rng.uniform(0.9, 1.1) for _ in range(3)], np.float32)
                if rng.random() < 0.2:
                    s = rng.uniform(0.5, 1.2)
                    crop = cv2.GaussianBlur(np.ascontiguousarray(crop), (0, 0), s)
                crop = np.clip(crop, 0, 1)
            m = self.masks[rng.randrange(len(self.masks))]
            m = np.rot90(m, rng.randrange(4))
            if rng.random() < 0.5:
                m = m[:, ::-1]
            valid = (m == 0).astype(np.float32)
            yield torch.from_numpy(np.ascontiguousarray(crop).transpose(2, 0, 1).copy()), torch.from_numpy(valid.copy())[None]


def tv_loss(comp, valid):
    region = F.max_pool2d(1 - valid, 3, 1, 1)
    hp = region[..., :, 1:] * region[..., :, :-1]
    vp = region[..., 1:, :] * region[..., :-1, :]
    dx = (comp[..., :, 1:] - comp[..., :, :-1]).abs() * hp
    dy = (comp[..., 1:, :] - comp[..., :-1, :]).abs() * vp
    return (dx.sum() + dy.sum()) / comp.numel()


def evaluate(net, cases, dev):
    net.eval()
    by_bucket = {}
    with torch.no_grad():
        for bucket, truth, valid in cases:
            t = truth.to(dev)[None]
            v = valid.to(dev)[None]
            out = net((t * 2 - 1) * v, v) * 0.5 + 0.5
            comp = v * t + (1 - v) * out.clamp(0, 1)
            comp8 = (comp * 255).round()
            mse = ((comp8 - (t * 255).round()) ** 2).mean().item()
            psnr = 10 * math.log10(255 ** 2 / max(mse, 1e-10))
            by_bucket.setdefault(bucket, []).append(psnr)
    net.train()
    return {b: round(sum(v) / len(v), 3) for b, v in sorted(by_bucket.items())}


def load_cases(folder):
    cases = []
    for truth_path in sorted(glob.glob(os.path.join(folder, "*_truth.png"))):
        name = os.path.basename(truth_path)[:-len("_truth.png")]
        bucket = int(name.rsplit("_b", 1)[1].split("_")[0])
        truth = cv2.imread(truth_path, cv2.IMREAD_COLOR)[:, :, ::-1].astype(np.float32) / 255
        holes = cv2.imread(os.path.join(folder, name + "_mask.png"), cv2.IMREAD_GRAYSCALE)
        cases.append((bucket, torch.from_numpy(truth.transpose(2, 0, 1).copy()), torch.from_numpy((holes == 0).astype(np.float32))[None]))
    return cases


def main():
    if len(sys.argv) < 7:
        sys.exit(__doc__)
    data, name, width, aug, seconds, outfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1", float(sys.argv[5]), sys.argv[6]
    extra = dict(zip(sys.argv[7::2], sys.argv[8::2]))
    l2 = float(extra.get("--l2", 0))
    batch = int(extra.get("--batch", 6))
    lr = float(extra.get("--lr", 2e-4))
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(1)
    photos = load_photos(os.path.join(data, "photos"))
    masks = [cv2.imread(p, cv2.IMREAD_GRAYSCALE) for p in sorted(glob.glob(os.path.join(data, "masks", "*.png")))]
    cases = load_cases(os.path.join(data, "eval256"))
    if name == "shipped":  # the shipped model, one pass, as the reference for these cases
        net, _ = PConvStudioNet.from_export(os.path.join(data, "shipped.pt"))
        net = net.to(dev)
        res = evaluate(net, cases, dev)
        with open(outfile, "a") as log:
            log.write(json.dumps({"name": name, "psnr": res}) + "\n")
        return
    net = PConvStudioNet(7, width, 16).to(dev)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loader = torch.utils.data.DataLoader(Crops(photos, masks, aug, 7), batch_size=batch, num_workers=int(extra.get("--workers", 3)),
                                         persistent_workers=True, prefetch_factor=8)
    log = open(outfile, "a")
    log.write(json.dumps({"name": name, "params": params, "photos": len(photos), "masks": len(masks), "cases": len(cases)}) + "\n")
    start = time.time()
    next_eval = start + seconds / 6
    step = 0
    for image, valid in loader:
        image, valid = image.to(dev, non_blocking=True), valid.to(dev, non_blocking=True)
        out = net((image * 2 - 1) * valid, valid) * 0.5 + 0.5
        hole = 1 - valid
        comp = valid * image + hole * out
        loss = ((out - image) * valid).abs().mean() + 6 * ((out - image) * hole).abs().mean() + 0.1 * tv_loss(comp, valid)
        if l2:
            loss = loss + l2 * ((out - image) * hole).square().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        now = time.time()
        if now >= next_eval or now - start >= seconds:
            res = evaluate(net, cases, dev)
            log.write(json.dumps({"name": name, "step": step, "steps_per_s": round(step / (now - start), 2), "t": round(now - start), "loss": round(loss.item(), 4), "psnr": res}) + "\n")
            log.flush()
            next_eval = now + seconds / 6
            if now - start >= seconds:
                if width <= 20:
                    torch.save(net.state_dict(), os.path.join(os.path.dirname(outfile), name + ".pt"))
                break


if __name__ == "__main__":
    main()
