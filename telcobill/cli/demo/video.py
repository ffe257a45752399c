"""The demo's tutorial video: a guide's steps as slides (Typst, the invoices' fonts), encoded to
WebM (VP9) with PyAV, and WebVTT captions saying each slide. Made when the demo is built, so no
video file is kept in the repository; an operator uploads their own in the back office."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from telcobill.documents.pdf import TEMPLATES

WIDTH, HEIGHT, FPS = 640, 360, 5
SECONDS = {"title": 3, "step": 6}


def steps_of(guide: str) -> list[str]:
    """The numbered steps of a guide's text ("1. Dans Factures et paiements…")."""
    return [m.group(1).strip() for m in re.finditer(r"^\d+\.\s+(.+)$", guide, flags=re.MULTILINE)]


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slides(title: str, steps: list[str], operator: str) -> list[bytes]:
    """One PNG per slide: the title, then each step."""
    pages = [f"#title-slide({_typst_string(title)}, {_typst_string(operator)})"]
    pages += [f"#step-slide({n}, {len(steps)}, {_typst_string(step)})" for n, step in enumerate(steps, start=1)]
    source = """
#set page(width: 640pt, height: 360pt, margin: 36pt, fill: rgb("#f4f6fa"))
#set text(font: "DejaVu Sans", size: 22pt, fill: rgb("#1b2433"), lang: "fr")
#let brand = rgb("#0b57d0")
#let title-slide(title, operator) = {
  set page(fill: brand)
  set text(fill: white)
  align(horizon)[#text(size: 16pt)[#operator · Tutoriel] \\ #v(8pt) #text(size: 34pt, weight: "bold")[#title]]
}
#let step-slide(n, total, body) = {
  text(size: 15pt, fill: brand, weight: "bold")[Étape #n sur #total]
  v(18pt)
  block(width: 100%, inset: 22pt, radius: 10pt, fill: white, stroke: 1pt + rgb("#d5dbe5"))[#body]
}
""" + "\n#pagebreak()\n".join(pages)
    import typst

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "slides.typ"
        path.write_text(source, encoding="utf-8")
        pages_png = typst.compile(str(path), format="png", ppi=72, font_paths=[str(TEMPLATES / "fonts")])
    return pages_png if isinstance(pages_png, list) else [pages_png]


def webm(pngs: list[bytes], seconds: list[int]) -> bytes:
    """The slides as a VP9 WebM, each shown its number of seconds."""
    import av
    from PIL import Image

    out_file = io.BytesIO()
    with av.open(out_file, "w", format="webm") as out:
        stream = out.add_stream("libvpx-vp9", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "36", "b:v": "0", "deadline": "good", "cpu-used": "5"}
        for png, shown in zip(pngs, seconds, strict=True):
            image = Image.open(io.BytesIO(png)).convert("RGB").resize((WIDTH, HEIGHT))
            for _ in range(shown * FPS):
                for packet in stream.encode(av.VideoFrame.from_image(image)):
                    out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return out_file.getvalue()


def captions(title: str, steps: list[str]) -> str:
    """WebVTT cues in step with the slides."""
    cues, start = [], 0
    for n, (text, shown) in enumerate([(title, SECONDS["title"])] + [
            (f"Étape {n} : {step}", SECONDS["step"]) for n, step in enumerate(steps, start=1)], start=1):
        cues.append(f"{n}\n{_stamp(start)} --> {_stamp(start + shown)}\n{text}\n")
        start += shown
    return "WEBVTT\n\n" + "\n".join(cues)


def _stamp(seconds: int) -> str:
    return f"00:{seconds // 60:02d}:{seconds % 60:02d}.000"


def tutorial_video(title: str, guide: str, operator: str) -> tuple[bytes, str]:
    """(the WebM, its WebVTT captions) of a guide with numbered steps."""
    steps = steps_of(guide)
    pngs = slides(title, steps, operator)
    return webm(pngs, [SECONDS["title"]] + [SECONDS["step"]] * len(steps)), captions(title, steps)
