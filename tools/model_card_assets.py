#!/usr/bin/env python3
"""Pictures for models/README.md (needs python3-opencv and numpy from Debian).

loss-curve OUT.png LOG.csv[@LAST_STEP] [LOG.csv[@LAST_STEP] ...]
    the total, hole and valid loss terms of `pconv train` logs, smoothed, against the step;
    several logs are training stages drawn one after the other (each cut at LAST_STEP when
    given: the step its successor started from), with a line where each stage begins.
examples EVAL_OUT_DIR CASES OUT.png
    rows of masked input | Telea | Navier-Stokes | PConv | ground truth for the given
    comma-separated case names, from the files `pconv eval --out EVAL_OUT_DIR` writes
    (<case>_truth.png, <case>_mask.png, <case>_<method>.png).
edge-distance EVAL_OUT_DIR
    RMSE of PConv and Telea over hole pixels, binned by distance to the nearest valid pixel:
    where in a hole each method wins (printed as a markdown table).
"""
import glob
import csv
import sys

import cv2
import numpy as np


def loss_curve(out_path, stage_logs):
    steps, series, stage_starts, offset = [], {"total": [], "hole": [], "valid": [], "tv": []}, [], 0
    for stage in stage_logs:
        path, _, last = stage.partition("@")
        last_step = int(last) if last else None
        stage_starts.append(offset)
        with open(path) as f:
            for row in csv.DictReader(f):
                if last_step is not None and int(row["step"]) > last_step:
                    break
                steps.append(offset + int(row["step"]))
                for k in series:
                    series[k].append(float(row[k]))
        offset = steps[-1]
    width, height, margin = 720, 360, 50
    img = np.full((height, width, 3), 255, np.uint8)
    top = max(max(v) for v in series.values()) * 1.05
    def smooth(v, half=4):
        # Centred running mean whose window shrinks at the ends (no edge droop).
        v = np.asarray(v)
        return np.array([v[max(0, i - half):i + half + 1].mean() for i in range(len(v))])
    x = lambda s: int(margin + (width - 2 * margin) * s / max(steps[-1], 1))
    y = lambda v: int(height - margin - (height - 2 * margin) * v / top)
    cv2.line(img, (margin, height - margin), (width - margin, height - margin), (0, 0, 0), 1)
    cv2.line(img, (margin, margin), (margin, height - margin), (0, 0, 0), 1)
    for i in range(5):
        v = top * i / 4
        cv2.putText(img, f"{v:.2f}", (2, y(v) + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)
        s = steps[-1] * i / 4
        cv2.putText(img, f"{int(s)}", (x(s) - 10, height - margin + 15), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 1)
    for start in stage_starts[1:]:
        cv2.line(img, (x(start), margin), (x(start), height - margin), (170, 170, 170), 1)
    colours = {"total": (40, 40, 200), "hole": (40, 160, 40), "valid": (200, 100, 30), "tv": (150, 50, 150)}
    for k, v in series.items():
        pts = np.array([[x(s), y(val)] for s, val in zip(steps, smooth(v))], np.int32)
        cv2.polylines(img, [pts], False, colours[k], 2)
    for i, (k, c) in enumerate(colours.items()):
        cv2.putText(img, k, (width - margin - 60, margin + 15 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.45, c, 1)
    cv2.putText(img, "training loss (smoothed) against step", (margin, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1)
    cv2.imwrite(out_path, img)


def examples(folder, cases, out_path, size=144):
    truth_folder = folder
    rows = []
    for case in cases:
        truth = cv2.imread(f"{truth_folder}/{case}_truth.png")
        holes = cv2.imread(f"{truth_folder}/{case}_mask.png", cv2.IMREAD_GRAYSCALE)
        masked = truth.copy()
        masked[holes > 0] = (255, 255, 255)
        tiles = [masked] + [cv2.imread(f"{folder}/{case}_{m}.png") for m in ("telea", "ns", "pconv")] + [truth]
        rows.append(np.hstack([cv2.resize(t, (size, size), interpolation=cv2.INTER_AREA) for t in tiles]))
    header = np.full((22, size * 5, 3), 255, np.uint8)
    for i, name in enumerate(["masked input", "Telea", "Navier-Stokes", "PConv (ours)", "ground truth"]):
        cv2.putText(header, name, (i * size + 6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
    cv2.imwrite(out_path, np.vstack([header] + rows))


def edge_distance(folder, methods=("pconv", "telea")):
    edges = [0, 1, 2, 3, 5, 8, 12, 20, 10000]
    squared = {m: np.zeros(len(edges) - 1) for m in methods}
    count = np.zeros(len(edges) - 1)
    for mask_path in sorted(glob.glob(f"{folder}/*_mask.png")):
        case = mask_path[: -len("_mask.png")]
        hole = cv2.imread(mask_path, cv2.IMREAD_GRAYSCALE) > 127
        truth = cv2.imread(f"{case}_truth.png").astype(np.float64)
        distance = cv2.distanceTransform(hole.astype(np.uint8), cv2.DIST_L2, 3)
        bins = [hole & (distance > lo) & (distance <= hi) for lo, hi in zip(edges[:-1], edges[1:])]
        count += [b.sum() for b in bins]
        for m in methods:
            error = ((cv2.imread(f"{case}_{m}.png").astype(np.float64) - truth) ** 2).mean(axis=2)
            squared[m] += [error[b].sum() for b in bins]
    print("| px from the hole's edge | pixels | " + " | ".join(f"RMSE {m}" for m in methods) + " |")
    print("|---|---|" + "---|" * len(methods))
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        label = f"{lo}-{hi}" if hi < 10000 else f"> {lo}"
        rmse = " | ".join(f"{np.sqrt(squared[m][i] / max(count[i], 1)):.2f}" for m in methods)
        print(f"| {label} | {int(count[i])} | {rmse} |")


if __name__ == "__main__":
    if sys.argv[1] == "loss-curve":
        loss_curve(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "edge-distance":
        edge_distance(sys.argv[2])
    else:
        examples(sys.argv[2], sys.argv[3].split(","), sys.argv[4])
