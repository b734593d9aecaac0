"""Draw the demo images (run once; the PNG/JPEG files are committed next to this script).

    .venv/bin/python seeds/consultations/make_images.py

Everything is generated: a stylised "aerial image" of Leipzig-Plagwitz, a georeferenced
draft plan for the park on the former freight station, and a youth centre's floor plan.
No third-party imagery, so the demo data has no licence questions.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
# Bounds of the aerial image: west, south, east, north (must match plagwitz.yaml)
AERIAL = (12.316, 51.320, 12.346, 51.336)
PLAN = (12.3265, 51.3228, 12.3335, 51.3268)


def font(size: int):
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def to_px(lon, lat, box, size):
    west, south, east, north = box
    return ((lon - west) / (east - west) * size[0], (north - lat) / (north - south) * size[1])


def aerial() -> None:
    size = (1600, 1100)
    rng = random.Random(3)
    image = Image.new("RGB", size, (112, 118, 104))
    draw = ImageDraw.Draw(image)
    # blocks of houses with courtyards
    for _ in range(900):
        x, y = rng.uniform(0, size[0]), rng.uniform(0, size[1])
        w, h = rng.uniform(20, 70), rng.uniform(15, 50)
        roof = rng.choice([(150, 82, 66), (170, 100, 80), (128, 128, 132), (96, 96, 100), (182, 170, 150)])
        draw.rectangle([x, y, x + w, y + h], fill=roof)
    # parks and allotments
    for _ in range(60):
        x, y = rng.uniform(0, size[0]), rng.uniform(0, size[1])
        r = rng.uniform(20, 70)
        draw.ellipse(
            [x - r, y - r * 0.7, x + r, y + r * 0.7], fill=(rng.randint(60, 90), rng.randint(110, 140), 60)
        )
    # the former freight station: a long green strip
    park = [
        to_px(*p, AERIAL, size)
        for p in [(12.3270, 51.3232), (12.3330, 51.3236), (12.3330, 51.3262), (12.3270, 51.3258)]
    ]
    draw.polygon(park, fill=(84, 130, 70))
    # streets
    for street in [
        [(12.316, 51.3318), (12.346, 51.3322)],
        [(12.3260, 51.320), (12.3268, 51.336)],
        [(12.316, 51.3245), (12.346, 51.3250)],
        [(12.3375, 51.320), (12.3380, 51.336)],
    ]:
        draw.line([to_px(*p, AERIAL, size) for p in street], fill=(205, 205, 200), width=14)
    # Karl-Heine-Kanal and the Weiße Elster
    canal = [
        (12.316, 51.3290),
        (12.322, 51.3296),
        (12.328, 51.3300),
        (12.334, 51.3304),
        (12.340, 51.3300),
        (12.346, 51.3296),
    ]
    draw.line([to_px(*p, AERIAL, size) for p in canal], fill=(52, 92, 120), width=18)
    river = [(12.3440, 51.320), (12.3430, 51.326), (12.3445, 51.331), (12.3435, 51.336)]
    draw.line([to_px(*p, AERIAL, size) for p in river], fill=(46, 84, 112), width=34)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image.save(HERE / "plagwitz-luftbild.jpg", quality=82, optimize=True)


def site_plan() -> None:
    size = (1400, 800)
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([4, 4, size[0] - 5, size[1] - 5], outline=(120, 30, 30, 255), width=6)
    draw.rectangle([120, 200, 520, 600], fill=(150, 200, 120, 200), outline=(40, 90, 40, 255), width=4)
    draw.text((140, 215), "Wiese", fill=(20, 60, 20, 255), font=font(34))
    draw.rectangle([600, 250, 850, 500], fill=(240, 200, 120, 220), outline=(140, 90, 20, 255), width=4)
    draw.text((615, 265), "Spielplatz", fill=(90, 50, 0, 255), font=font(30))
    draw.ellipse([920, 220, 1250, 520], fill=(120, 170, 220, 200), outline=(30, 70, 120, 255), width=4)
    draw.text((990, 350), "Wasserspiel", fill=(10, 40, 90, 255), font=font(30))
    draw.line([(60, 720), (1340, 720)], fill=(90, 90, 90, 255), width=24)
    draw.text((600, 680), "Radweg (Entwurf)", fill=(255, 255, 255, 255), font=font(26))
    draw.text((40, 40), "Entwurf Stadtteilpark Plagwitz – Stand 2026", fill=(120, 30, 30, 255), font=font(40))
    image.save(HERE / "plagwitz-plan.png", optimize=True)


def floor_plan() -> None:
    size = (1200, 800)
    image = Image.new("RGB", size, (250, 250, 246))
    draw = ImageDraw.Draw(image)
    rooms = [
        ("Café", (40, 40, 420, 360)),
        ("Werkstatt", (420, 40, 760, 360)),
        ("Bandraum", (760, 40, 1160, 360)),
        ("Sporthalle", (40, 440, 640, 760)),
        ("Büro", (640, 440, 860, 760)),
        ("Garten", (860, 440, 1160, 760)),
    ]
    for name, box in rooms:
        fill = (222, 240, 214) if name == "Garten" else (255, 255, 255)
        draw.rectangle(box, fill=fill, outline=(40, 40, 40), width=8)
        draw.text((box[0] + 24, box[1] + 20), name, fill=(30, 30, 30), font=font(38))
    draw.rectangle([40, 360, 1160, 440], fill=(236, 236, 228), outline=(40, 40, 40), width=8)
    draw.text((480, 380), "Flur", fill=(60, 60, 60), font=font(32))
    for x in (200, 560, 940, 300, 740, 1000):
        y = 360 if x in (200, 560, 940) else 440
        draw.rectangle([x, y - 6, x + 70, y + 6], fill=(250, 250, 246))  # doors
    draw.text((40, 772), "Jugendzentrum – Erdgeschoss (schematisch)", fill=(90, 90, 90), font=font(20))
    image.save(HERE / "jugendzentrum-grundriss.png", optimize=True)


if __name__ == "__main__":
    aerial()
    site_plan()
    floor_plan()
