#!/usr/bin/env python3
"""Python half of the interop test (tests/test_interop.cpp drives it).

make-port DIR   writes DIR/port.pth (a checkpoint in the popular port's layout with
                random weights and BatchNorm statistics), DIR/input.pt ({'image', 'mask'})
                and DIR/port_output.pt (the port-layout net's forward on that input).
check-export EXPORT INPUT CPP_OUTPUT
                rebuilds PConv Studio's net from EXPORT in Python, runs it on INPUT and
                exits 0 when it matches the C++ output to 1e-4.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from pconv_reference import PConvStudioNet, PortLayoutNet  # noqa: E402


def make_port(folder):
    torch.manual_seed(5)
    net = PortLayoutNet(depth=7, width=64)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
    net.eval()
    state = {k: v for k, v in net.state_dict().items() if not k.endswith(".ones")}
    # As the port saves them: the model beside the iteration count.
    torch.save({"n_iter": 1000, "model": state}, os.path.join(folder, "port.pth"))
    image = torch.randn(1, 3, 128, 128)
    mask = torch.ones(1, 1, 128, 128)
    mask[:, :, 30:90, 20:70] = 0
    mask[:, :, 100:110, :] = 0
    torch.save({"image": image, "mask": mask}, os.path.join(folder, "input.pt"))  # two entries: LibTorch's unpickler has no SETITEM
    with torch.no_grad():
        torch.save(net(image * mask, mask), os.path.join(folder, "port_output.pt"))


def check_export(export, input_path, cpp_output):
    net, _ = PConvStudioNet.from_export(export)
    data = torch.load(input_path)
    with torch.no_grad():
        out = net(data["image"] * data["mask"], data["mask"])
    diff = (out - torch.load(cpp_output)).abs().max().item()
    print(f"max difference {diff:.3g}")
    return 0 if diff < 1e-4 else 1


if __name__ == "__main__":
    if sys.argv[1] == "make-port":
        make_port(sys.argv[2])
        sys.exit(0)
    sys.exit(check_export(*sys.argv[2:5]))
