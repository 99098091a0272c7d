"""The image pipeline: what comes back has no EXIF or XMP (no GPS), stands upright, and comes in a
display and a thumbnail WebP; what is not a sane image never gets stored."""

import io

from PIL import Image

XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="39,54.45N"/></rdf:RDF>'
       b'</x:xmpmeta>')


def photo_with_gps(width=2400, height=1200) -> bytes:
    """A phone photo: stored sideways with EXIF orientation 6, GPS in EXIF and in XMP."""
    image = Image.new("RGB", (width, height), "skyblue")
    image.paste("orange", (0, 0, width // 2, height))  # left half orange: shows which way is up
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=XMP)
    return out.getvalue()


async def _upload(api, data: bytes, kind="notice_image"):
    return await api.http.post("/uploads", params={"kind": kind}, headers={"authorization": f"Bearer {api.token}"},
                               files={"file": ("photo.jpg", data, "image/jpeg")})


async def test_a_gps_tagged_photo_comes_back_clean_upright_and_in_two_sizes(console):
    await console.sign_in("committee")
    original = photo_with_gps()
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif().get(0x0112) == 6 and "xmp" in sent.info  # the test photo really carries them
    response = await _upload(console, original)
    assert response.status_code == 200
    body = response.json()
    for name, longest in (("display", 1080), ("thumbnail", 320)):
        served = await console.http.get(body[name])
        assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
        assert b"39,54" not in served.content and b"xmpmeta" not in served.content
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.format == "WEBP"
            assert not image.getexif() and "xmp" not in image.info and "exif" not in image.info
            assert image.size == (longest // 2, longest)  # turned upright: now portrait
            top, bottom = image.getpixel((image.width // 2, 2)), image.getpixel((image.width // 2, image.height - 3))
            assert top != bottom  # the orange half moved to the top or bottom, not left/right


async def test_not_images_truncated_images_and_bombs_are_refused(console):
    await console.sign_in("committee")
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # 100 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 100_000
    for data in (b"GIF89a not really", photo_with_gps()[:300], bomb.getvalue()):
        response = await _upload(console, data)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["field"] == "file"
    too_big = await _upload(console, b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10))
    assert too_big.status_code in (400, 413)


async def test_public_media_serves_only_public_files(console, api):
    await console.sign_in("committee")
    assert (await api.http.get("/media/public/" + "0" * 64)).status_code == 404
    assert (await api.http.get("/media/public/..%2F..%2Fetc%2Fpasswd")).status_code == 404
