#!/usr/bin/env python3
"""Test cases with holes far wider than the seed-style masks: object-sized ellipses
(60, 150, 300 px) and thick brush strokes (100, 200, 400 px long steps, half as wide),
cut into 1024 px crops of the held-out photos. For `pconv eval --images DIR/images
--masks DIR/masks`; `score` prints mean PSNR by hole size from an eval --out folder.

  pconv eval --images data/heldout --generate 1 --size 1024 --method telea --out /tmp/crops
  tools/big_hole_cases.py make /tmp/crops /tmp/big
  pconv eval --images /tmp/big/images --masks /tmp/big/masks --method pconv,telea,ns --out /tmp/big/out
  tools/big_hole_cases.py score /tmp/big/out pconv

Needs Debian's python3-opencv (run it with /usr/bin/python3).
"""
import collections
import glob
import os
import random
import sys

import cv2
import numpy as np

SIZES = [60, 100, 150, 200, 300, 400]


def make(crops, dest):
    random.seed(5)
    os.makedirs(dest + "/images", exist_ok=True)
    os.makedirs(dest + "/masks", exist_ok=True)
    k = 0
    for truth in sorted(glob.glob(crops + "/*_truth.png")):
        image = cv2.imread(truth)
        side = image.shape[0]
        for variant in range(2):
            d = SIZES[k % len(SIZES)]
            k += 1
            holes = np.zeros(image.shape[:2], np.uint8)
            cx, cy = random.randint(d, side - d), random.randint(d, side - d)
            if variant == 0:  # an object about d px across
                axes = (d // 2, int(d * random.uniform(0.35, 0.6)))
                cv2.ellipse(holes, (cx, cy), axes, random.uniform(0, 180), 0, 360, 255, -1)
            else:  # a brush stroke d/2 px wide along a random path
                points = [(cx, cy)]
                for _ in range(3):
                    x = min(side - 24, max(20, points[-1][0] + random.randint(-d, d)))
                    y = min(side - 24, max(20, points[-1][1] + random.randint(-d, d)))
                    points.append((x, y))
                cv2.polylines(holes, [np.array(points)], False, 255, max(8, d // 2))
            name = "%s_%d_%d" % (os.path.basename(truth)[: -len("_truth.png")], variant, d)
            cv2.imwrite("%s/images/%s.png" % (dest, name), image)
            cv2.imwrite("%s/masks/%s.png" % (dest, name), holes)


def score(out, method):
    by_size = collections.defaultdict(list)
    for truth in sorted(glob.glob(out + "/*_truth.png")):
        stem = truth[: -len("_truth.png")]
        a = cv2.imread(truth).astype(np.float64)
        b = cv2.imread("%s_%s.png" % (stem, method)).astype(np.float64)
        by_size[int(stem.rsplit("_", 1)[1])].append(10 * np.log10(255.0**2 / ((a - b) ** 2).mean()))
    cells = ["%d px: %.2f" % (d, np.mean(v)) for d, v in sorted(by_size.items())]
    print(method, " | ".join(cells), "| all: %.2f" % np.mean([p for v in by_size.values() for p in v]))


if __name__ == "__main__":
    {"make": make, "score": score}[sys.argv[1]](*sys.argv[2:])
