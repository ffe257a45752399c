"""The demo's tutorial video: a guide's numbered steps as slides, a WebM that decodes to the
right length and size, and WebVTT captions in step with it."""

import io

import av

from telcobill.cli.demo.video import FPS, HEIGHT, WIDTH, captions, steps_of, tutorial_video

GUIDE = """Payer par prélèvement.

## Les étapes
1. Ouvrez « Mode de paiement ».
2. Saisissez l'IBAN.

## Bon à savoir
- Une liste qui n'est pas une étape.
"""


def test_the_steps_become_slides_a_webm_and_captions():
    assert steps_of(GUIDE) == ["Ouvrez « Mode de paiement ».", "Saisissez l'IBAN."]
    assert captions("Le prélèvement", steps_of(GUIDE)) == (
        "WEBVTT\n\n"
        "1\n00:00:00.000 --> 00:00:03.000\nLe prélèvement\n\n"
        "2\n00:00:03.000 --> 00:00:09.000\nÉtape 1 : Ouvrez « Mode de paiement ».\n\n"
        "3\n00:00:09.000 --> 00:00:15.000\nÉtape 2 : Saisissez l'IBAN.\n")

    video, vtt = tutorial_video("Le prélèvement", GUIDE, "Telcobill Mobile")

    assert vtt == captions("Le prélèvement", steps_of(GUIDE))
    with av.open(io.BytesIO(video)) as container:
        stream = container.streams.video[0]
        assert (container.format.name.split(",")[0], stream.codec_context.name, stream.width, stream.height) == (
            "matroska", "vp9", WIDTH, HEIGHT)
        frames = list(container.decode(video=0))
    assert len(frames) == 15 * FPS  # 3 s of title, then 6 s a step
    # The title slide is the brand's blue (#0b57d0), a step slide the page's light grey (#f4f6fa),
    # give or take the encoding.
    red, green, blue = frames[0].to_image().getpixel((5, 5))
    assert red < 40 and 60 < green < 110 and blue > 180
    assert all(value > 225 for value in frames[-1].to_image().getpixel((5, 5)))
