#!/usr/bin/env python3
"""The PConv U-Net in PyTorch (Python), three ways, timed like `pconv bench`.

plain      the same U-Net with ordinary convolutions (the yardstick)
nvidia     NVIDIA-style partial convolution: a single-channel mask, its window sum
           by a 1-channel box convolution, ratio = window_size / sum (sum > 0)
popular    the popular PyTorch port's style (naoto0804): a mask as wide as the
           features, convolved with a full ones kernel [C_out, C_in, k, k] - a second
           convolution as big as the feature one - and the division by sum(M) alone

Used by bench/run.sh to put the Python numbers beside `pconv bench --json` in one
run. Forward: median of --reps after a warm-up, batch 1, InferenceMode. Train:
one Adam step (forward, L1 loss, backward) at --train-size, batch --train-batch.
Written for this project; no code from the ports.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def channels(width, level):
    return 3 if level == 0 else width * (2 ** min(level - 1, 3))


def encoder_kernel(level):
    return 7 if level == 1 else (5 if level <= 3 else 3)


class PartialConv(nn.Module):
    def __init__(self, cin, cout, k, stride, style):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bias = nn.Parameter(torch.zeros(cout))
        self.k, self.stride, self.style, self.cin = k, stride, style, cin
        if style == "popular":
            self.register_buffer("ones", torch.ones(cout, cin, k, k))
        else:
            self.register_buffer("ones", torch.ones(1, 1, k, k))

    def forward(self, x, mask):
        with torch.no_grad():
            if self.style == "popular":
                # mask has as many channels as x
                msum = F.conv2d(mask, self.ones, stride=self.stride, padding=self.k // 2)
                valid = (msum > 0).float()
                ratio = 1.0 / msum.clamp(min=1.0) * valid
            else:
                msum = F.conv2d(mask, self.ones, stride=self.stride, padding=self.k // 2)
                valid = (msum > 0).float()
                ratio = (self.k * self.k) / msum.clamp(min=1.0) * valid
        out = self.conv(x * mask) * ratio + self.bias.view(1, -1, 1, 1)
        out = out * valid
        if self.style == "popular":
            return out, valid  # valid already has C_out channels
        return out, valid


class UNet(nn.Module):
    def __init__(self, depth, width, style):
        super().__init__()
        self.depth, self.style = depth, style
        conv = (lambda cin, cout, k, s: PartialConv(cin, cout, k, s, style)) if style != "plain" else \
            (lambda cin, cout, k, s: nn.Conv2d(cin, cout, k, s, k // 2))
        self.enc = nn.ModuleList([conv(channels(width, l - 1), channels(width, l), encoder_kernel(l), 2) for l in range(1, depth + 1)])
        self.enc_bn = nn.ModuleList([nn.BatchNorm2d(channels(width, l)) if l > 1 else nn.Identity() for l in range(1, depth + 1)])
        self.dec = nn.ModuleList()
        self.dec_bn = nn.ModuleList()
        for l in range(depth, 0, -1):
            cin = channels(width, l) + channels(width, l - 1)
            cout = 3 if l == 1 else channels(width, l - 1)
            self.dec.append(conv(cin, cout, 3, 1))
            self.dec_bn.append(nn.BatchNorm2d(cout) if l > 1 else nn.Identity())

    def forward(self, x, mask):
        if self.style == "plain":
            feats = [x]
            for conv, bn in zip(self.enc, self.enc_bn):
                feats.append(F.relu(bn(conv(feats[-1]))))
            h = feats[-1]
            for i, (conv, bn) in enumerate(zip(self.dec, self.dec_bn)):
                level = self.depth - i
                h = conv(torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), feats[level - 1]], 1))
                if level > 1:
                    h = F.leaky_relu(bn(h), 0.2)
            return h
        if self.style == "popular":
            mask = mask.expand(-1, 3, -1, -1)
        feats, masks = [x], [mask]
        for conv, bn in zip(self.enc, self.enc_bn):
            h, m = conv(feats[-1], masks[-1])
            feats.append(F.relu(bn(h)))
            masks.append(m)
        h, m = feats[-1], masks[-1]
        for i, (conv, bn) in enumerate(zip(self.dec, self.dec_bn)):
            level = self.depth - i
            up, upm = F.interpolate(h, scale_factor=2, mode="nearest"), F.interpolate(m, scale_factor=2, mode="nearest")
            if self.style == "popular":
                h, m = conv(torch.cat([up, feats[level - 1]], 1), torch.cat([upm, masks[level - 1]], 1))
            else:
                # single-channel masks: the concatenated input's mask is their union here
                h, m = conv(torch.cat([up * upm, feats[level - 1] * masks[level - 1]], 1), torch.clamp(upm + masks[level - 1], max=1.0))
            if level > 1:
                h = F.leaky_relu(bn(h), 0.2)
        return h


def random_mask(n, size, hole=0.25):
    g = torch.Generator().manual_seed(1)
    m = (torch.rand(n, 1, size // 16, size // 16, generator=g) > hole).float()
    return F.interpolate(m, size=(size, size), mode="nearest")


def time_forward(net, size, reps):
    x, m = torch.rand(1, 3, size, size) * 2 - 1, random_mask(1, size)
    with torch.inference_mode():
        net(x, m)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            net(x, m)
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def time_train_step(net, size, batch, reps):
    x, m = torch.rand(batch, 3, size, size) * 2 - 1, random_mask(batch, size)
    opt = torch.optim.Adam(net.parameters(), lr=2e-4)
    net.train()

    def step():
        out = net(x * m, m)
        loss = ((out - x) * m).abs().mean() + 6 * ((out - x) * (1 - m)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=512)
    p.add_argument("--depth", type=int, default=8)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-size", type=int, default=256)
    p.add_argument("--train-depth", type=int, default=7)
    p.add_argument("--train-width", type=int, default=64)
    p.add_argument("--train-batch", type=int, default=4)
    p.add_argument("--train-reps", type=int, default=3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for style in ("plain", "nvidia", "popular"):
        net = UNet(a.depth, a.width, style).eval()
        result[f"{style}_ms"] = round(time_forward(net, a.size, a.reps), 1)
    torch.manual_seed(0)
    result["train_step_ms"] = round(time_train_step(UNet(a.train_depth, a.train_width, "nvidia"), a.train_size, a.train_batch, a.train_reps), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
