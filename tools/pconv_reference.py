#!/usr/bin/env python3
"""PConv U-Nets in plain PyTorch, written from the paper, for interop with PConv Studio.

- `PConvStudioNet.from_export(path)` rebuilds a network exported by
  `pconv convert --from model.pconv --to model.pt` (a torch.save() dict with
  'format', 'config' and 'state_dict') and runs the same forward pass as the C++ code.
- `PortLayoutNet` has the layout of the popular PyTorch port (naoto0804): keys
  enc_1.conv.input_conv.weight ... and its renormalisation, which divides by sum(M)
  alone (no sum(1) factor). It exists to test `pconv convert`'s import.

Masks are 1 for valid pixels, 0 for holes. Image borders count as holes.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def level_channels(width, level):
    return 3 if level == 0 else width * (2 ** min(level - 1, 3))


def encoder_kernel(level):
    return 7 if level == 1 else (5 if level <= 3 else 3)


class PartialConv(nn.Module):
    """y = W^T (X*M) * scale + b where the window saw a valid pixel, else 0.

    paper_scale: scale = sum(1)/sum(M) over the window and all input channels (the paper);
    otherwise 1/sum(M) (the popular port)."""

    def __init__(self, cin, cout, k, stride, bias, paper_scale, separate_groups=None):
        super().__init__()
        self.input_conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=bias)
        self.register_buffer("ones", torch.ones(1, cin, k, k))
        self.paper_scale = paper_scale
        self.window = cin * k * k
        # Channel counts of input groups renormalised each by its own coverage (PConv
        # Studio's --scale-skips-separately), or None for one ratio over all inputs.
        self.separate_groups = separate_groups

    def forward(self, x, mask):  # mask: [N, C_in, H, W]
        if self.separate_groups:
            return self.forward_groups_separately(x, mask)
        out = self.input_conv(x * mask)
        bias = self.input_conv.bias.view(1, -1, 1, 1) if self.input_conv.bias is not None else torch.zeros_like(out[:, :1])
        with torch.no_grad():
            count = F.conv2d(mask, self.ones, stride=self.input_conv.stride, padding=self.input_conv.padding)
            valid = (count > 0).float()
            scale = (self.window if self.paper_scale else 1.0) / count.clamp(min=1.0)
        out = ((out - bias) * scale + bias) * valid
        return out, valid.expand_as(out)

    def forward_groups_separately(self, x, mask):
        conv, out, any_valid, start = self.input_conv, 0, 0, 0
        for channels in self.separate_groups:
            part = slice(start, start + channels)
            k = conv.kernel_size[0]
            with torch.no_grad():
                count = F.conv2d(mask[:, part], self.ones[:, part], stride=conv.stride, padding=conv.padding) / channels
                valid = (count > 0).float()
                scale = k * k / count.clamp(min=1.0) * valid
            out = out + F.conv2d(x[:, part] * mask[:, part], conv.weight[:, part], stride=conv.stride, padding=conv.padding) * scale
            any_valid = torch.maximum(torch.as_tensor(any_valid), valid)
            start += channels
        out = (out + conv.bias.view(1, -1, 1, 1)) * any_valid
        return out, any_valid.expand_as(out)


class Block(nn.Module):
    def __init__(self, cin, cout, k, stride, bn, activation, bias, paper_scale, separate_groups=None):
        super().__init__()
        self.conv = PartialConv(cin, cout, k, stride, bias, paper_scale, separate_groups)
        self.bn = nn.BatchNorm2d(cout) if bn else None
        self.activation = activation

    def forward(self, x, mask):
        h, m = self.conv(x, mask)
        if self.bn is not None:
            h = self.bn(h)
        if self.activation == "relu":
            h = F.relu(h)
        elif self.activation == "leaky":
            h = F.leaky_relu(h, 0.2)
        return h, m


class UNet(nn.Module):
    def __init__(self, depth, width, paper_scale, bias_everywhere, full_res_channels=0, scale_skips_separately=False):
        super().__init__()
        self.depth = depth
        # Optional full-resolution stem: its features, not the image, are the last decoder's skip.
        self.stem = Block(3, full_res_channels, 5, 1, False, "relu", True, paper_scale) if full_res_channels else None
        skip0 = full_res_channels or 3
        for level in range(1, depth + 1):
            setattr(self, f"enc_{level}", Block(level_channels(width, level - 1), level_channels(width, level), encoder_kernel(level), 2,
                                                level > 1, "relu", bias_everywhere, paper_scale))
        for level in range(depth, 0, -1):
            groups = [level_channels(width, level), skip0 if level == 1 else level_channels(width, level - 1)]
            cout = 3 if level == 1 else level_channels(width, level - 1)
            setattr(self, f"dec_{level}", Block(sum(groups), cout, 3, 1, level > 1, "leaky" if level > 1 else None,
                                                bias_everywhere or level == 1, paper_scale, groups if scale_skips_separately else None))

    def forward(self, image, mask):  # mask [N, 1, H, W]
        mask = mask.expand_as(image)
        features, masks = [image], [mask]
        for level in range(1, self.depth + 1):
            h, m = getattr(self, f"enc_{level}")(features[-1], masks[-1])
            features.append(h)
            masks.append(m)
        if self.stem is not None:
            features[0], masks[0] = self.stem(image, mask)
        h, m = features[-1], masks[-1]
        for level in range(self.depth, 0, -1):
            h = torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), features[level - 1]], 1)
            m = torch.cat([F.interpolate(m, scale_factor=2, mode="nearest"), masks[level - 1]], 1)
            h, m = getattr(self, f"dec_{level}")(h, m)
        return h


class PortLayoutNet(UNet):
    """The popular port's layout and arithmetic (no bias but in the last layer, 1/sum(M))."""

    def __init__(self, depth=7, width=64):
        super().__init__(depth, width, paper_scale=False, bias_everywhere=False)


class PConvStudioNet(UNet):
    """PConv Studio's network (the paper's arithmetic), from an exported state_dict."""

    def __init__(self, depth, width, full_res_channels=0, scale_skips_separately=False):
        super().__init__(depth, width, paper_scale=True, bias_everywhere=True, full_res_channels=full_res_channels,
                         scale_skips_separately=scale_skips_separately)

    @classmethod
    def from_export(cls, path):
        exported = torch.load(path)
        if exported.get("format") != "pconv-studio":
            raise ValueError(f"{path}: not a PConv Studio export")
        config = exported["config"]
        if config["norm"] != "batch":
            raise ValueError(f"{path}: this reference covers batch norm only")
        net = cls(int(config["depth"]), int(config["width"]), int(config.get("full_res_channels", 0)),
                  bool(config.get("scale_skips_separately", False)))
        ours = exported["state_dict"]
        mapped = {}
        for name, tensor in ours.items():
            # enc3.conv.weight -> enc_3.conv.input_conv.weight; enc3.bias -> ...input_conv.bias; enc3_norm.x -> enc_3.bn.x
            head, rest = name.split(".", 1)
            if head == "stem":
                mapped[f"stem.conv.input_conv.{'weight' if rest == 'conv.weight' else 'bias'}"] = tensor
            elif head.endswith("_norm"):
                mapped[f"{head[:3]}_{head[3:-5]}.bn.{rest}"] = tensor
            elif rest == "conv.weight":
                mapped[f"{head[:3]}_{head[3:]}.conv.input_conv.weight"] = tensor
            elif rest == "bias":
                mapped[f"{head[:3]}_{head[3:]}.conv.input_conv.bias"] = tensor
        missing, unexpected = net.load_state_dict(mapped, strict=False)
        missing = [k for k in missing if not k.endswith(".ones")]
        if missing or unexpected:
            raise ValueError(f"{path}: missing {missing}, unexpected {unexpected}")
        return net.eval(), config
