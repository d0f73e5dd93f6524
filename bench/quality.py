#!/usr/bin/env python3
"""Quality check for the ingest benchmark: is Vitrine's speed bought with worse images?

    python quality.py CORPUS OUT_DIR [OUT_DIR ...]

Each OUT_DIR holds one tool's outputs, NAME-WIDTH.jpg per corpus image NAME (as
`vitrine bench ingest --out` and the peers' sharp.mjs write them). For every output the
reference is the corpus image decoded at full size, turned upright from its EXIF
orientation and reduced with Pillow's Lanczos filter to the output's exact size. Prints,
per tool and per size (the larger and the smaller output of each image), the mean SSIM
against that reference (luma, 11x11 Gaussian window, sigma 1.5, as in Wang et al. 2004)
and the mean file size, so tools are compared at equal quality and similar size.
Needs Pillow and numpy (bench/compare.sh makes a venv with both).
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps


def gaussian(x, sigma=1.5, radius=5):
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius, radius)
        p = np.pad(x, pad, mode="reflect")
        n = x.shape[axis]
        x = sum(w * np.take(p, range(i, i + n), axis=axis) for i, w in enumerate(k))
    return x


def luma(img):
    a = np.asarray(img.convert("RGB"), dtype=np.float64)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def ssim(a, b):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = gaussian(a), gaussian(b)
    var_a = gaussian(a * a) - mu_a**2
    var_b = gaussian(b * b) - mu_b**2
    cov = gaussian(a * b) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(s.mean())


def outputs(folder):
    """{image name: [(width, path), ...] largest first}"""
    found = {}
    for p in Path(folder).glob("*.jpg"):
        name, _, width = p.stem.rpartition("-")
        found.setdefault(name, []).append((int(width), p))
    return {k: sorted(v, reverse=True) for k, v in found.items()}


def main():
    corpus, folders = Path(sys.argv[1]), sys.argv[2:]
    per_tool = {f: outputs(f) for f in folders}
    stats = {(f, size): [] for f in folders for size in ("large", "small")}
    for src in sorted(corpus.glob("*.jpg")):
        upright = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
        for f in folders:
            for size, (_, path) in zip(("large", "small"), per_tool[f].get(src.stem, [])):
                out = Image.open(path)
                ref = upright.resize(out.size, Image.LANCZOS)
                stats[(f, size)].append((ssim(luma(out), luma(ref)), path.stat().st_size))
    for (f, size), rows in stats.items():
        if rows:
            s, b = np.mean([r[0] for r in rows]), np.mean([r[1] for r in rows])
            # Five decimals and exact bytes: comparing at equal SSIM reads
            # differences of a few ten-thousandths off a curve.
            print(f"{Path(f).name:<16} {size:<6} images={len(rows)} ssim={s:.5f} "
                  f"min_ssim={min(r[0] for r in rows):.4f} mean_bytes={b:.0f}")


if __name__ == "__main__":
    main()
