#!/usr/bin/env python3
"""Draw the stand-in illustrations bundled with Vitrine.

These pictures are NOT the interviewees' photographs. The Oxford link worker
retention study published its participants' images in its own gallery; Vitrine
does not reproduce them. Instead this script draws simple flat illustrations,
made by the Vitrine project, that stand in for each lost photo so the demo
study (demo/link-worker-retention/) has something to show. It also draws the
images for the fictional example study (examples/small-study/).

Regenerate them from the repository root with:

    pip install pillow
    python3 demo/draw_stand_ins.py

The output is a deterministic function of this script and the Pillow version:
no randomness except fixed-seed layouts, no text rendered with system fonts.
Shapes are drawn at twice the output size and scaled down for smooth edges,
then PNGs are reduced to a small palette to keep each file well under 300 KB.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
DEMO_IMAGES = ROOT / "demo" / "link-worker-retention" / "images"
EXAMPLE_IMAGES = ROOT / "examples" / "small-study" / "images"

SS = 2  # supersampling factor

# A shared, friendly palette.
INK = (46, 52, 64)
WHITE = (255, 255, 255)
CREAM = (250, 243, 228)
PAPER = (253, 250, 242)
RED = (214, 69, 65)
DARK_RED = (160, 44, 44)
GREEN = (58, 141, 93)
DARK_GREEN = (35, 98, 62)
LEAF = (96, 170, 92)
GOLD = (233, 185, 73)
DARK_GOLD = (190, 140, 40)
TEAL = (38, 120, 130)
NAVY = (36, 56, 92)
SKY = (190, 224, 245)
PINK = (236, 128, 160)
PURPLE = (139, 99, 180)
ORANGE = (240, 146, 66)
WOOD = (196, 140, 88)
DARK_WOOD = (140, 94, 54)
GREY = (150, 156, 166)
LIGHT_GREY = (222, 226, 232)
CARDBOARD = (205, 160, 105)
DARK_CARDBOARD = (160, 118, 70)


class Pen:
    """A canvas whose coordinates are in output pixels, drawn supersampled."""

    def __init__(self, width: int, height: int, background) -> None:
        self.size = (width, height)
        self.img = Image.new("RGB", (width * SS, height * SS), background)
        self.d = ImageDraw.Draw(self.img)

    @staticmethod
    def _pts(points):
        return [(x * SS, y * SS) for x, y in points]

    @staticmethod
    def _box(box):
        return [v * SS for v in box]

    def rect(self, box, fill=None, outline=None, width=0, radius=0):
        self.d.rounded_rectangle(
            self._box(box), radius=radius * SS, fill=fill, outline=outline, width=width * SS
        )

    def ellipse(self, box, fill=None, outline=None, width=0):
        self.d.ellipse(self._box(box), fill=fill, outline=outline, width=width * SS)

    def circle(self, cx, cy, r, fill=None, outline=None, width=0):
        self.ellipse((cx - r, cy - r, cx + r, cy + r), fill, outline, width)

    def poly(self, points, fill=None, outline=None, width=0):
        self.d.polygon(self._pts(points), fill=fill, outline=outline, width=width * SS)

    def line(self, points, fill, width):
        self.d.line(self._pts(points), fill=fill, width=width * SS, joint="curve")
        # Round the ends.
        r = width / 2
        for x, y in (points[0], points[-1]):
            self.circle(x, y, r, fill=fill)

    def arc(self, box, start, end, fill, width):
        self.d.arc(self._box(box), start, end, fill=fill, width=width * SS)

    def pie(self, box, start, end, fill):
        self.d.pieslice(self._box(box), start, end, fill=fill)

    def tick(self, x, y, s, fill, width):
        """A tick mark whose box has its top-left corner at (x, y) and side s."""
        self.line([(x + s * 0.1, y + s * 0.55), (x + s * 0.4, y + s * 0.85), (x + s * 0.92, y + s * 0.15)], fill, width)

    def finish(self) -> Image.Image:
        return self.img.resize(self.size, Image.LANCZOS)


def save_png(pen: Pen, path: Path, colours: int = 96) -> None:
    img = pen.finish().quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG", optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


def save_jpeg(pen: Pen, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pen.finish().save(path, format="JPEG", quality=85, optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")


# ---------------------------------------------------------------------------
# Small reusable pieces
# ---------------------------------------------------------------------------


def bow(p: Pen, cx, cy, s, colour, knot):
    p.poly([(cx, cy), (cx - s, cy - s * 0.6), (cx - s, cy + s * 0.6)], fill=colour)
    p.poly([(cx, cy), (cx + s, cy - s * 0.6), (cx + s, cy + s * 0.6)], fill=colour)
    p.circle(cx, cy, s * 0.28, fill=knot)


def flower(p: Pen, cx, cy, r, petal, centre, petals=6):
    for i in range(petals):
        a = 2 * math.pi * i / petals
        px, py = cx + math.cos(a) * r * 0.62, cy + math.sin(a) * r * 0.62
        p.circle(px, py, r * 0.5, fill=petal)
    p.circle(cx, cy, r * 0.42, fill=centre)


def pound_sign(p: Pen, cx, cy, h, colour, width):
    """A £ drawn from strokes, centred on (cx, cy), h tall."""
    top = cy - h / 2
    bottom = cy + h / 2
    stem_x = cx - h * 0.12
    p.arc((stem_x, top, stem_x + h * 0.5, top + h * 0.5), 180, 330, colour, width)
    p.line([(stem_x, top + h * 0.25), (stem_x, bottom)], colour, width)
    p.line([(stem_x - h * 0.18, cy + h * 0.02), (stem_x + h * 0.28, cy + h * 0.02)], colour, width)
    p.line([(stem_x - h * 0.2, bottom), (cx + h * 0.3, bottom)], colour, width)


def coin(p: Pen, cx, cy, r):
    p.circle(cx, cy + 6, r, fill=DARK_GOLD)
    p.circle(cx, cy, r, fill=GOLD)
    p.circle(cx, cy, r * 0.8, outline=DARK_GOLD, width=max(3, int(r * 0.06)))
    pound_sign(p, cx, cy, r * 0.9, DARK_GOLD, max(4, int(r * 0.1)))


def coin_stack(p: Pen, cx, base, r, n):
    for i in range(n):
        y = base - i * r * 0.28
        p.ellipse((cx - r, y - r * 0.3, cx + r, y + r * 0.3), fill=DARK_GOLD)
        p.ellipse((cx - r, y - r * 0.3 - 8, cx + r, y + r * 0.3 - 8), fill=GOLD)
    top = base - (n - 1) * r * 0.28 - 8
    p.ellipse((cx - r * 0.75, top - r * 0.22, cx + r * 0.75, top + r * 0.22), outline=DARK_GOLD, width=4)


def text_lines(p: Pen, x, y, widths, gap, colour, thickness=10):
    for i, w in enumerate(widths):
        p.line([(x, y + i * gap), (x + w, y + i * gap)], colour, thickness)


def tree(p: Pen, x, ground, h, crown):
    p.rect((x - h * 0.06, ground - h * 0.5, x + h * 0.06, ground), fill=DARK_WOOD)
    p.circle(x, ground - h * 0.62, h * 0.3, fill=crown)
    p.circle(x - h * 0.2, ground - h * 0.5, h * 0.22, fill=crown)
    p.circle(x + h * 0.2, ground - h * 0.52, h * 0.22, fill=crown)


def mug(p: Pen, x, y, w, h, colour, steam=True):
    p.arc((x + w * 0.7, y + h * 0.2, x + w * 1.25, y + h * 0.7), 270, 90, colour, int(w * 0.12))
    p.rect((x, y, x + w, y + h), fill=colour, radius=int(w * 0.12))
    if steam:
        for i in range(2):
            sx = x + w * (0.3 + 0.4 * i)
            p.arc((sx - 20, y - 110, sx + 20, y - 60), 90, 270, LIGHT_GREY, 8)
            p.arc((sx - 20, y - 60, sx + 20, y - 10), 270, 90, LIGHT_GREY, 8)


def box(p: Pen, x, y, w, h, colour=CARDBOARD, edge=DARK_CARDBOARD):
    p.rect((x, y, x + w, y + h), fill=colour, outline=edge, width=5)
    p.line([(x + 6, y + h * 0.18), (x + w - 6, y + h * 0.18)], edge, 5)
    p.rect((x + w * 0.42, y + 3, x + w * 0.58, y + h * 0.18), fill=(230, 205, 160))


# ---------------------------------------------------------------------------
# Demo study: link worker retention
# ---------------------------------------------------------------------------


def christmas_bags(path: Path):
    p = Pen(1600, 1200, (37, 84, 92))
    # Bunting.
    p.arc((-200, -260, 1800, 300), 20, 160, CREAM, 6)
    colours = [RED, GOLD, GREEN, WHITE]
    for i in range(13):
        t = 0.06 + i * 0.075
        a = math.radians(20 + 140 * t)
        x = 800 - 1000 * math.cos(a)
        y = 20 + 280 * math.sin(a)
        p.poly([(x - 34, y), (x + 34, y), (x, y + 70)], fill=colours[i % 4])
    # Snow dots.
    for i in range(40):
        x = (i * 397) % 1600
        y = 260 + (i * 211) % 420
        p.circle(x, y, 6 + (i % 3) * 3, fill=(200, 225, 228))
    # Table.
    p.rect((0, 930, 1600, 1200), fill=WOOD)
    p.rect((0, 930, 1600, 960), fill=DARK_WOOD)
    bags = [(200, 470, 360, RED, GOLD), (620, 400, 400, GREEN, RED), (1080, 500, 340, GOLD, GREEN)]
    for x, top, w, colour, trim in bags:
        bottom = 940
        # Handles.
        p.arc((x + w * 0.22, top - 170, x + w * 0.78, top + 120), 180, 360, INK, 14)
        # Tissue paper.
        p.poly([(x + w * 0.2, top + 10), (x + w * 0.35, top - 110), (x + w * 0.5, top + 10)], fill=WHITE)
        p.poly([(x + w * 0.45, top + 10), (x + w * 0.65, top - 90), (x + w * 0.8, top + 10)], fill=(245, 220, 230))
        # Bag body.
        p.poly([(x, top), (x + w, top), (x + w * 0.96, bottom), (x + w * 0.04, bottom)], fill=colour)
        p.rect((x, top, x + w, top + 40), fill=trim)
        # Ribbon and bow.
        p.rect((x + w * 0.46, top + 40, x + w * 0.54, bottom), fill=trim)
        bow(p, x + w * 0.5, top + 130, w * 0.2, trim, CREAM)
        # Gift tag.
        p.line([(x + w * 0.78, top + 40), (x + w * 0.85, top + 150)], CREAM, 4)
        p.rect((x + w * 0.78, top + 150, x + w * 0.95, top + 230), fill=CREAM, radius=10)
        p.circle(x + w * 0.865, top + 190, 14, fill=trim)
    save_png(p, path)


def financial_support(path: Path):
    p = Pen(1600, 1200, (214, 232, 246))
    p.rect((0, 860, 1600, 1200), fill=(120, 160, 200))
    p.rect((0, 860, 1600, 885), fill=(90, 126, 168))
    # Clipboard with a form.
    p.rect((180, 170, 760, 990), fill=DARK_WOOD, radius=30)
    p.rect((225, 240, 715, 960), fill=PAPER, radius=8)
    p.rect((380, 140, 560, 230), fill=GREY, radius=20)
    p.rect((265, 290, 675, 350), fill=TEAL, radius=10)
    for i in range(5):
        y = 410 + i * 100
        p.rect((265, y, 315, y + 50), fill=WHITE, outline=INK, width=5)
        if i in (0, 1, 3):
            p.tick(268, y - 6, 56, GREEN, 10)
        text_lines(p, 345, y + 25, [300 - (i * 47) % 120], 0, GREY, 12)
    p.line([(265, 900), (520, 900)], INK, 5)
    # Pen on the form.
    p.line([(560, 930), (760, 700)], NAVY, 22)
    p.poly([(548, 944), (560, 905), (578, 922)], fill=INK)
    # Coins.
    coin_stack(p, 930, 960, 120, 6)
    coin_stack(p, 1200, 990, 120, 3)
    coin(p, 1340, 560, 190)
    # Calculator.
    p.rect((860, 300, 1090, 640), fill=INK, radius=24)
    p.rect((890, 330, 1060, 400), fill=(170, 210, 170), radius=8)
    for row in range(4):
        for col in range(3):
            x, y = 895 + col * 58, 425 + row * 52
            p.rect((x, y, x + 44, y + 38), fill=ORANGE if (row, col) == (3, 2) else LIGHT_GREY, radius=8)
    save_png(p, path)


def desk(path: Path):
    p = Pen(1600, 1200, (236, 230, 242))
    # Window.
    p.rect((1060, 110, 1480, 520), fill=SKY, outline=WHITE, width=22)
    p.line([(1270, 120), (1270, 510)], WHITE, 18)
    p.line([(1070, 315), (1470, 315)], WHITE, 18)
    p.circle(1180, 220, 50, fill=(255, 230, 140))
    # Wall chart.
    p.rect((150, 120, 520, 430), fill=WHITE, radius=12)
    for i, h in enumerate([120, 200, 90, 230, 160]):
        p.rect((200 + i * 62, 390 - h, 240 + i * 62, 390), fill=[TEAL, ORANGE, PURPLE, GREEN, RED][i])
    # Desk.
    p.rect((0, 780, 1600, 840), fill=DARK_WOOD)
    p.rect((0, 800, 1600, 1200), fill=WOOD)
    p.rect((0, 780, 1600, 800), fill=(214, 164, 112))
    # Laptop.
    p.rect((480, 360, 1080, 740), fill=INK, radius=24)
    p.rect((510, 390, 1050, 710), fill=(84, 150, 200))
    p.rect((540, 420, 760, 520), fill=WHITE, radius=8)
    p.rect((790, 420, 1020, 680), fill=(230, 242, 250), radius=8)
    for i in range(4):
        p.line([(815, 460 + i * 55), (990 - i * 30, 460 + i * 55)], GREY, 10)
    p.rect((540, 550, 760, 680), fill=(255, 230, 140), radius=8)
    p.poly([(420, 790), (1140, 790), (1090, 740), (470, 740)], fill=GREY)
    p.rect((700, 760, 860, 780), fill=(120, 126, 136), radius=6)
    # Phone.
    p.rect((1180, 640, 1280, 800), fill=INK, radius=16)
    p.rect((1190, 655, 1270, 770), fill=(120, 200, 170), radius=6)
    # Mug.
    mug(p, 250, 640, 120, 150, RED)
    # Notepad and pen.
    p.poly([(150, 900), (520, 880), (540, 1080), (170, 1100)], fill=(255, 240, 150))
    for i in range(4):
        p.line([(200, 940 + i * 35), (480, 925 + i * 35)], DARK_GOLD, 5)
    p.line([(560, 1050), (760, 930)], TEAL, 18)
    # Plant.
    p.rect((1320, 700, 1440, 800), fill=ORANGE, radius=12)
    for a in (-60, -30, 0, 30, 60):
        r = math.radians(a - 90)
        p.line([(1380, 700), (1380 + math.cos(r) * 140, 700 + math.sin(r) * 140)], DARK_GREEN, 12)
        p.circle(1380 + math.cos(r) * 140, 700 + math.sin(r) * 140, 32, fill=LEAF)
    save_png(p, path)


def flowers(path: Path):
    p = Pen(1600, 1200, (252, 226, 206))
    p.rect((0, 980, 1600, 1200), fill=(232, 196, 170))
    # Stems.
    heads = [(560, 330, PINK), (760, 250, GOLD), (960, 320, PURPLE), (660, 470, RED),
             (860, 440, WHITE), (1060, 480, PINK), (480, 520, PURPLE), (1140, 320, ORANGE)]
    for hx, hy, _ in heads:
        p.line([(hx, hy), (800, 820)], DARK_GREEN, 12)
    # Leaves.
    for lx, ly, sign in [(600, 560, -1), (1010, 580, 1), (720, 620, -1), (900, 640, 1)]:
        p.poly([(800, 760), (lx, ly), (lx + sign * 40, ly + 90)], fill=LEAF)
    for hx, hy, colour in heads:
        centre = GOLD if colour != GOLD else ORANGE
        flower(p, hx, hy, 95, colour, centre, petals=7 if colour in (PINK, WHITE) else 6)
    # Wrapping paper cone.
    p.poly([(560, 640), (1040, 640), (820, 1090), (780, 1090)], fill=(120, 190, 200))
    p.poly([(560, 640), (700, 640), (800, 1090)], fill=(150, 210, 220))
    # Ribbon.
    p.rect((700, 800, 900, 850), fill=RED)
    bow(p, 800, 825, 80, RED, DARK_RED)
    # A thank-you card with a heart.
    p.rect((1150, 760, 1420, 960), fill=WHITE, radius=10)
    p.circle(1260, 840, 34, fill=RED)
    p.circle(1310, 840, 34, fill=RED)
    p.poly([(1228, 852), (1342, 852), (1285, 920)], fill=RED)
    save_png(p, path)


def feedback_form(path: Path):
    p = Pen(1200, 1600, (208, 236, 224))
    # Clipboard.
    p.rect((130, 120, 1070, 1500), fill=DARK_WOOD, radius=40)
    p.rect((180, 200, 1020, 1450), fill=PAPER, radius=10)
    p.rect((460, 80, 740, 210), fill=GREY, radius=30)
    p.circle(600, 120, 22, fill=(200, 205, 212))
    # Header.
    p.rect((230, 250, 970, 330), fill=TEAL, radius=12)
    # Smiley scale.
    faces = [(RED, -1), (ORANGE, 0), (GREEN, 1)]
    for i, (colour, mood) in enumerate(faces):
        cx, cy = 350 + i * 250, 450
        p.circle(cx, cy, 80, fill=colour)
        p.circle(cx - 28, cy - 20, 10, fill=INK)
        p.circle(cx + 28, cy - 20, 10, fill=INK)
        if mood == 1:
            p.arc((cx - 45, cy - 30, cx + 45, cy + 45), 20, 160, INK, 9)
        elif mood == 0:
            p.line([(cx - 35, cy + 30), (cx + 35, cy + 30)], INK, 9)
        else:
            p.arc((cx - 45, cy + 20, cx + 45, cy + 90), 200, 340, INK, 9)
    p.circle(850, 450, 100, outline=NAVY, width=10)
    # Questions with tick boxes.
    for row in range(6):
        y = 620 + row * 125
        text_lines(p, 230, y + 10, [520 - (row * 70) % 200], 0, GREY, 12)
        text_lines(p, 230, y + 50, [320 - (row * 40) % 120], 0, LIGHT_GREY, 12)
        for col in range(3):
            bx = 780 + col * 70
            p.rect((bx, y, bx + 50, y + 50), fill=WHITE, outline=INK, width=5)
        chosen = 2 if row != 3 else 1
        p.tick(780 + chosen * 70 - 2, y - 10, 62, GREEN, 10)
    # Signature line.
    p.line([(230, 1380), (600, 1380)], INK, 5)
    p.arc((250, 1310, 380, 1390), 200, 340, NAVY, 6)
    p.arc((360, 1300, 470, 1380), 200, 360, NAVY, 6)
    # Pen.
    p.line([(740, 1420), (1040, 1080)], NAVY, 26)
    p.poly([(726, 1436), (734, 1390), (762, 1414)], fill=INK)
    save_png(p, path)


def training_certificate(path: Path):
    p = Pen(1600, 1200, (60, 88, 130))
    # Wall stripes.
    for i in range(0, 1600, 160):
        p.rect((i, 0, i + 80, 1200), fill=(66, 96, 140))
    # Frame and certificate.
    p.rect((220, 130, 1380, 1020), fill=DARK_WOOD, radius=16)
    p.rect((260, 170, 1340, 980), fill=CREAM)
    p.rect((300, 210, 1300, 940), outline=GOLD, width=10)
    p.rect((320, 230, 1280, 920), outline=DARK_GOLD, width=3)
    # Heading bar and text lines.
    p.rect((500, 290, 1100, 360), fill=NAVY, radius=10)
    text_lines(p, 560, 430, [480], 0, GREY, 14)
    p.rect((520, 480, 1080, 540), fill=(200, 220, 235), radius=8)
    text_lines(p, 480, 610, [640, 560, 600], 50, LIGHT_GREY, 12)
    # Head-and-heart emblem for mental health.
    p.circle(440, 420, 90, fill=(120, 180, 210))
    p.rect((395, 470, 470, 540), fill=(120, 180, 210))
    p.circle(425, 410, 24, fill=RED)
    p.circle(459, 410, 24, fill=RED)
    p.poly([(403, 418), (481, 418), (442, 460)], fill=RED)
    # Signature.
    p.line([(420, 850), (720, 850)], INK, 5)
    p.arc((440, 780, 560, 860), 200, 340, NAVY, 6)
    p.arc((540, 770, 660, 850), 190, 350, NAVY, 6)
    # Rosette seal with ribbons.
    p.poly([(1030, 860), (980, 1060), (1040, 1020), (1070, 1080), (1090, 880)], fill=RED)
    p.poly([(1110, 860), (1160, 1060), (1100, 1020), (1070, 1080), (1050, 880)], fill=DARK_RED)
    points = []
    for i in range(32):
        a = 2 * math.pi * i / 32
        r = 120 if i % 2 == 0 else 100
        points.append((1070 + math.cos(a) * r, 790 + math.sin(a) * r))
    p.poly(points, fill=GOLD)
    p.circle(1070, 790, 78, fill=DARK_GOLD)
    p.circle(1070, 790, 62, fill=GOLD)
    p.tick(1030, 750, 80, WHITE, 12)
    save_png(p, path)


def hygiene_products(path: Path):
    p = Pen(1600, 1200, (220, 238, 246))
    # Tiles.
    for x in range(0, 1600, 140):
        p.line([(x, 0), (x, 760)], WHITE, 6)
    for y in range(0, 760, 140):
        p.line([(0, y), (1600, y)], WHITE, 6)
    # Shelf.
    p.rect((0, 760, 1600, 1200), fill=(180, 210, 225))
    p.rect((60, 740, 1540, 800), fill=WHITE, radius=12)
    # Shampoo bottle.
    p.rect((150, 340, 370, 760), fill=PURPLE, radius=60)
    p.rect((215, 270, 305, 350), fill=(110, 76, 150), radius=10)
    p.rect((240, 200, 280, 280), fill=(110, 76, 150))
    p.rect((180, 470, 340, 620), fill=WHITE, radius=20)
    flower(p, 260, 545, 50, PINK, GOLD)
    # Toothpaste tube and toothbrush in a cup.
    p.rect((460, 500, 640, 760), fill=(120, 200, 220), radius=20)
    p.line([(500, 520), (470, 250)], RED, 22)
    p.rect((440, 190, 500, 270), fill=WHITE, radius=10)
    p.line([(590, 520), (620, 270)], GREEN, 22)
    p.rect((600, 210, 660, 290), fill=WHITE, radius=10)
    # Toilet roll.
    p.rect((720, 480, 960, 760), fill=WHITE, radius=30)
    p.ellipse((720, 440, 960, 520), fill=(240, 242, 246), outline=LIGHT_GREY, width=4)
    p.ellipse((800, 465, 880, 495), fill=GREY)
    # Soap bar.
    p.rect((1010, 640, 1230, 760), fill=PINK, radius=40)
    p.ellipse((1060, 660, 1180, 700), fill=(246, 180, 200))
    for bx, by, br in [(1040, 600, 22), (1100, 560, 30), (1180, 590, 18), (1230, 540, 24)]:
        p.circle(bx, by, br, outline=(160, 200, 230), width=5)
    # Deodorant.
    p.rect((1290, 380, 1440, 760), fill=TEAL, radius=30)
    p.rect((1300, 300, 1430, 400), fill=WHITE, radius=30)
    p.rect((1310, 520, 1420, 600), fill=(130, 200, 200))
    # A box of sanitary pads lying in front.
    p.rect((300, 880, 760, 1100), fill=(250, 210, 225), radius=16)
    flower(p, 420, 990, 60, WHITE, PINK)
    text_lines(p, 520, 950, [190, 150], 50, WHITE, 14)
    # A folded towel.
    p.rect((880, 900, 1400, 1100), fill=ORANGE, radius=20)
    p.rect((880, 1000, 1400, 1030), fill=(250, 190, 120))
    save_png(p, path)


def hoarding(path: Path):
    rng = random.Random(8)
    p = Pen(1600, 1200, (222, 212, 190))
    # Wallpaper stripes.
    for x in range(0, 1600, 120):
        p.rect((x, 0, x + 60, 880), fill=(214, 202, 178))
    # Window, half hidden later.
    p.rect((1000, 120, 1400, 470), fill=SKY, outline=WHITE, width=20)
    p.line([(1200, 130), (1200, 460)], WHITE, 14)
    # Floor.
    p.rect((0, 880, 1600, 1200), fill=(150, 110, 80))
    for x in range(-200, 1600, 200):
        p.line([(x, 880), (x - 150, 1200)], (130, 94, 68), 5)
    # Lampshade and standard lamp behind the boxes.
    p.line([(300, 260), (300, 880)], INK, 12)
    p.poly([(210, 260), (390, 260), (350, 150), (250, 150)], fill=GOLD)
    # Stacks of boxes, back row to front.
    for row, (base, size) in enumerate([(880, 190), (960, 220), (1060, 250)]):
        x = -60 + row * 40
        while x < 1640:
            w = size + rng.randint(-40, 60)
            stack = rng.randint(1, 4 - row)
            y = base
            for _ in range(stack):
                h = int(w * rng.uniform(0.55, 0.8))
                shade = rng.randint(-20, 20)
                fill = tuple(max(0, min(255, c + shade)) for c in CARDBOARD)
                box(p, x + rng.randint(-10, 10), y - h, w, h, fill)
                y -= h
            x += w + rng.randint(-20, 20)
    # Bags and loose items on top.
    for bx, by, colour in [(520, 540, (80, 90, 100)), (880, 500, WHITE), (1360, 560, (80, 90, 100))]:
        p.ellipse((bx - 90, by - 70, bx + 90, by + 80), fill=colour)
        p.poly([(bx - 20, by - 70), (bx + 20, by - 70), (bx, by - 120)], fill=colour)
    for i in range(6):
        y = 470 - i * 22
        p.rect((660, y, 820, y + 22), fill=[WHITE, CREAM, SKY][i % 3], outline=GREY, width=2)
    save_png(p, path)


def peacock(p: Pen, cx, cy, s):
    # Fanned tail.
    for i in range(17):
        a = math.radians(195 + i * 9.4)
        ex, ey = cx + math.cos(a) * s * 2.1, cy + math.sin(a) * s * 1.7
        p.line([(cx, cy), (ex, ey)], DARK_GREEN, int(s * 0.05))
    p.pie((cx - s * 2.2, cy - s * 1.8, cx + s * 2.2, cy + s * 1.8), 190, 350, (40, 130, 100))
    p.pie((cx - s * 1.7, cy - s * 1.35, cx + s * 1.7, cy + s * 1.35), 190, 350, (60, 160, 110))
    for ring, rad in ((2.0, 0.2), (1.45, 0.17)):
        for i in range(9 if ring > 1.8 else 7):
            n = 9 if ring > 1.8 else 7
            a = math.radians(200 + i * 140 / (n - 1))
            ex, ey = cx + math.cos(a) * s * ring * 0.95, cy + math.sin(a) * s * ring * 0.78
            p.ellipse((ex - s * rad, ey - s * rad * 1.2, ex + s * rad, ey + s * rad * 1.2), fill=GOLD)
            p.ellipse((ex - s * rad * 0.7, ey - s * rad * 0.85, ex + s * rad * 0.7, ey + s * rad * 0.85), fill=TEAL)
            p.circle(ex, ey, s * rad * 0.4, fill=NAVY)
    # Body, neck and head.
    p.ellipse((cx - s * 0.35, cy - s * 0.3, cx + s * 0.35, cy + s * 0.55), fill=(30, 90, 170))
    p.poly([(cx - s * 0.12, cy - s * 0.1), (cx + s * 0.12, cy - s * 0.1), (cx + s * 0.1, cy - s * 0.75), (cx - s * 0.02, cy - s * 0.75)], fill=(30, 90, 170))
    p.circle(cx + s * 0.05, cy - s * 0.8, s * 0.14, fill=(30, 90, 170))
    p.poly([(cx + s * 0.17, cy - s * 0.84), (cx + s * 0.33, cy - s * 0.78), (cx + s * 0.17, cy - s * 0.74)], fill=DARK_GOLD)
    p.circle(cx + s * 0.09, cy - s * 0.83, s * 0.035, fill=WHITE)
    for i in range(4):
        tx = cx - s * 0.06 + i * s * 0.06
        p.line([(cx + s * 0.04, cy - s * 0.92), (tx, cy - s * 1.12)], (30, 90, 170), int(s * 0.02) + 2)
        p.circle(tx, cy - s * 1.12, s * 0.035, fill=(30, 90, 170))
    # Legs.
    p.line([(cx - s * 0.1, cy + s * 0.5), (cx - s * 0.14, cy + s * 0.85)], DARK_GOLD, int(s * 0.04) + 2)
    p.line([(cx + s * 0.1, cy + s * 0.5), (cx + s * 0.14, cy + s * 0.85)], DARK_GOLD, int(s * 0.04) + 2)


def nature_walk(path: Path):
    p = Pen(1600, 1200, SKY)
    p.circle(1380, 180, 90, fill=(255, 236, 150))
    for cx, cy in [(260, 170), (330, 150), (400, 175), (860, 120), (930, 100), (1000, 125)]:
        p.circle(cx, cy, 55, fill=WHITE)
    # Hills.
    p.ellipse((-400, 420, 900, 1100), fill=(150, 200, 120))
    p.ellipse((500, 380, 2000, 1100), fill=(130, 188, 110))
    p.rect((0, 700, 1600, 1200), fill=(110, 170, 95))
    # Path winding to the horizon.
    p.poly([(250, 1200), (1050, 1200), (860, 900), (760, 760), (790, 640), (740, 640), (680, 760), (700, 900)], fill=(222, 196, 150))
    # Trees.
    for x, g, h, c in [(120, 720, 420, DARK_GREEN), (460, 640, 300, GREEN), (1040, 640, 280, DARK_GREEN),
                       (1300, 700, 380, GREEN), (1500, 760, 420, DARK_GREEN)]:
        tree(p, x, g, h, c)
    # Walkers far along the path.
    for x, y, colour in [(760, 700, RED), (800, 705, NAVY)]:
        p.circle(x, y - 50, 12, fill=INK)
        p.rect((x - 12, y - 38, x + 12, y), fill=colour, radius=6)
    # Flowers in the grass.
    for i in range(14):
        x = 60 + (i * 233) % 1500
        y = 1000 + (i * 97) % 170
        if 300 < x < 1050 and y > 900:
            continue
        flower(p, x, y, 16, [PINK, GOLD, WHITE][i % 3], ORANGE)
    peacock(p, 1220, 960, 150)
    save_png(p, path)


# ---------------------------------------------------------------------------
# Example study (fictional): waiting places
# ---------------------------------------------------------------------------


def kettle(path: Path):
    p = Pen(800, 600, (255, 236, 214))
    p.rect((480, 60, 740, 300), fill=(255, 200, 150), outline=WHITE, width=14)
    p.circle(610, 240, 60, fill=(255, 150, 90))
    p.rect((487, 240, 733, 293), fill=(250, 180, 130))
    p.rect((0, 420, 800, 600), fill=(120, 150, 170))
    p.rect((0, 420, 800, 440), fill=(90, 116, 136))
    # Kettle.
    p.arc((190, 170, 390, 330), 180, 360, INK, 20)
    p.poly([(150, 420), (420, 420), (390, 250), (180, 250)], fill=RED)
    p.poly([(150, 300), (90, 240), (110, 230), (180, 290)], fill=RED)
    p.rect((260, 235, 310, 255), fill=INK, radius=6)
    for i in range(3):
        x = 80 - i * 20
        p.arc((x - 20, 120 - i * 40, x + 20, 170 - i * 40), 90, 270, WHITE, 8)
    mug(p, 520, 320, 100, 100, TEAL, steam=False)
    save_png(p, path, colours=48)


def bus_stop(path: Path):
    p = Pen(800, 600, (200, 220, 235))
    p.rect((0, 470, 800, 600), fill=(120, 124, 130))
    p.rect((0, 450, 800, 480), fill=(180, 180, 176))
    # Shelter.
    p.rect((120, 140, 540, 170), fill=NAVY)
    p.rect((130, 170, 140, 460), fill=NAVY)
    p.rect((520, 170, 530, 460), fill=NAVY)
    p.rect((145, 175, 515, 420), fill=(225, 238, 245), outline=(170, 190, 205), width=4)
    p.rect((200, 360, 460, 385), fill=DARK_WOOD)
    p.rect((215, 385, 230, 450), fill=INK)
    p.rect((430, 385, 445, 450), fill=INK)
    # Sign pole with a blurred (pixelated) route panel: this entry is "O-edited".
    p.rect((640, 90, 652, 460), fill=GREY)
    p.circle(646, 110, 50, fill=RED)
    p.circle(646, 110, 32, fill=WHITE)
    colours = [(150, 160, 170), (190, 196, 204), (120, 130, 140), (210, 214, 220)]
    for i in range(4):
        for j in range(3):
            p.rect((600 + i * 23, 180 + j * 23, 623 + i * 23, 203 + j * 23), fill=colours[(i + j) % 4])
    save_jpeg(p, path)


def waiting_room(path: Path):
    p = Pen(600, 800, (226, 236, 228))
    p.rect((0, 560, 600, 800), fill=(170, 190, 200))
    # Clock.
    p.circle(300, 150, 80, fill=WHITE, outline=INK, width=8)
    p.line([(300, 150), (300, 95)], INK, 8)
    p.line([(300, 150), (345, 170)], INK, 8)
    # Poster.
    p.rect((60, 260, 220, 470), fill=WHITE, radius=6)
    p.circle(140, 330, 40, fill=LEAF)
    text_lines(p, 90, 410, [100, 70], 30, GREY, 8)
    # Row of chairs.
    for i in range(3):
        x = 230 + i * 120
        p.rect((x, 420, x + 100, 500), fill=TEAL, radius=14)
        p.rect((x, 500, x + 100, 540), fill=(30, 100, 110), radius=8)
        p.rect((x + 10, 540, x + 18, 610), fill=INK)
        p.rect((x + 82, 540, x + 90, 610), fill=INK)
    # Plant.
    p.rect((60, 600, 150, 700), fill=ORANGE, radius=10)
    for a in (-50, -15, 20, 55):
        r = math.radians(a - 90)
        p.circle(105 + math.cos(r) * 80, 600 + math.sin(r) * 80, 26, fill=LEAF)
    save_png(p, path, colours=48)


DEMO = {
    "christmas-bags.png": christmas_bags,
    "financial-support.png": financial_support,
    "desk.png": desk,
    "flowers.png": flowers,
    "feedback-form.png": feedback_form,
    "training-certificate.png": training_certificate,
    "hygiene-products.png": hygiene_products,
    "hoarding.png": hoarding,
    "nature-walk-peacock.png": nature_walk,
}

EXAMPLE = {
    "kettle.png": kettle,
    "bus stop.jpg": bus_stop,
    "waiting-room.png": waiting_room,
}


def main() -> None:
    for name, draw in DEMO.items():
        draw(DEMO_IMAGES / name)
    for name, draw in EXAMPLE.items():
        draw(EXAMPLE_IMAGES / name)


if __name__ == "__main__":
    main()
