"""Validating and storing uploads. Images are re-encoded (no EXIF, no GPS leaves the server)."""

import io
import zipfile

from PIL import Image, ImageOps, UnidentifiedImageError

from backend.core import storage
from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.media.models import Upload

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("proof_photo", "registry_import")


def _clean_image(data: bytes) -> bytes:
    """A real image, not too large, upright, re-encoded as JPEG without any metadata."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses decompression bombs past this
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP", "HEIF"):
                raise DomainError(ErrorCode.INVALID_INPUT, "请上传 JPEG、PNG 或 WebP 图片", field="file")
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(ErrorCode.INVALID_INPUT, "图片像素过大", field="file")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "文件不是有效的图片", field="file") from exc
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=85)  # no exif= argument: the metadata stays behind
    return out.getvalue()


def _check_workbook(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise DomainError(ErrorCode.INVALID_INPUT, "请上传 Excel（.xlsx）文件", field="file")
    except zipfile.BadZipFile as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "请上传 Excel（.xlsx）文件", field="file") from exc
    return data


async def store_upload(actor: Actor, *, kind: str, data: bytes) -> Upload:
    owner = actor.require_person()
    if kind not in KINDS:
        raise DomainError(ErrorCode.INVALID_INPUT, "未知的上传类型", field="kind")
    if not data or len(data) > MAX_BYTES:
        raise DomainError(ErrorCode.INVALID_INPUT, "文件须小于 10 MB", field="file")
    if kind == "proof_photo":
        data, content_type = _clean_image(data), "image/jpeg"
    else:
        data, content_type = _check_workbook(data), XLSX
    key = storage.put(data)
    return await Upload.create(owner_id=owner, kind=kind, content_type=content_type, size=len(data), sha256=key)


async def read_upload(actor: Actor, upload_id, kind: str) -> bytes:
    """The bytes of one's own upload of the given kind; not-found for anyone else's."""
    upload = await Upload.filter(id=upload_id, owner_id=actor.require_person(), kind=kind).first()
    if upload is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的文件", field="uploadId")
    return storage.get(upload.sha256)
