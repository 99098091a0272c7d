"""Validating and storing uploads. Images are re-encoded (no EXIF, no GPS leaves the server)."""

import asyncio
import io
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from backend.core import storage
from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, staff_communities
from backend.core.settings import get_settings
from backend.media.documents import PDF, XLSX, clean_attachment, clean_pdf
from backend.media.models import Upload

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
KINDS = ("proof_photo", "registry_import", "notice_image", "notice_attachment", "vote_evidence",
         "case_photo", "listing_photo", "provider_licence")
NOTICE_KINDS = ("notice_image", "notice_attachment")  # uploaded by those who publish notices only
VARIANTS = {"display": 1080, "thumbnail": 320}  # longest side in pixels
LICENCE_MAX_BYTES = 5 * 1024 * 1024  # a provider's 营业执照: a photo or a scanned PDF


def _upright(data: bytes) -> Image.Image:
    """A real image, not too large, turned upright (its EXIF orientation applied)."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses decompression bombs past this
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP", "HEIF"):
                raise DomainError(ErrorCode.INVALID_INPUT, "请上传 JPEG、PNG 或 WebP 图片", field="file")
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(ErrorCode.INVALID_INPUT, "图片像素过大", field="file")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            return ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "文件不是有效的图片", field="file") from exc


def _encode(image: Image.Image, fmt: str, longest: int | None = None) -> bytes:
    """Re-encoded from pixels only: no exif= or xmp= argument, so no metadata (no GPS) survives."""
    if longest is not None:
        image = image.copy()
        image.thumbnail((longest, longest))
    out = io.BytesIO()
    image.save(out, fmt, quality=85)
    return out.getvalue()


def _check_workbook(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise DomainError(ErrorCode.INVALID_INPUT, "请上传 Excel（.xlsx）文件", field="file")
    except zipfile.BadZipFile as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "请上传 Excel（.xlsx）文件", field="file") from exc
    return data


def _licence(data: bytes) -> tuple[bytes, str]:
    """A provider's licence: a PDF checked by its structure (as notice attachments), or a photo
    re-encoded like proofs; at most LICENCE_MAX_BYTES."""
    if len(data) > LICENCE_MAX_BYTES:
        raise DomainError(ErrorCode.INVALID_INPUT, "营业执照文件须小于 5 MB", field="file")
    if data.startswith(b"%PDF-"):
        return clean_pdf(data), PDF
    return _encode(_upright(data), "JPEG"), "image/jpeg"


async def store_upload(actor: Actor, *, kind: str, data: bytes, filename: str = "") -> "StoredUpload":
    owner = actor.require_person()
    if kind not in KINDS:
        raise DomainError(ErrorCode.INVALID_INPUT, "未知的上传类型", field="kind")
    if not data or len(data) > MAX_BYTES:
        raise DomainError(ErrorCode.INVALID_INPUT, "文件须小于 10 MB", field="file")
    if kind in NOTICE_KINDS and not staff_communities(actor, Permission.NOTICE_PUBLISH):
        raise DomainError(ErrorCode.FORBIDDEN, "只有可发布通知的工作人员才能上传通知的图片和附件", field="kind")
    if kind == "vote_evidence" and not staff_communities(actor, Permission.VOTE_MANAGE):
        raise DomainError(ErrorCode.FORBIDDEN, "只有投票工作人员才能上传纸质选票和委托书的照片", field="kind")
    variants: dict[str, str] = {}
    # Decoding, re-encoding and unpacking are CPU work: in a thread, so the event loop keeps serving.
    if kind in ("notice_image", "listing_photo"):
        # Published with notices and market listings: display and thumbnail WebP variants, public by
        # content hash.
        image = await asyncio.to_thread(_upright, data)
        for name, size in VARIANTS.items():
            variants[name] = await storage.put(await asyncio.to_thread(_encode, image, "WEBP", size), public=True)
        data, content_type = await asyncio.to_thread(_encode, image, "WEBP", VARIANTS["display"]), "image/webp"
    elif kind in ("proof_photo", "vote_evidence", "case_photo"):  # 纸质选票, 委托书 and case photos, like proofs
        data, content_type = await asyncio.to_thread(lambda: _encode(_upright(data), "JPEG")), "image/jpeg"
    elif kind == "provider_licence":
        data, content_type = await asyncio.to_thread(_licence, data)
    elif kind == "notice_attachment":
        data, content_type = await asyncio.to_thread(clean_attachment, data)
    else:
        data, content_type = _check_workbook(data), XLSX
    key = await storage.put(data, public=bool(variants))
    name = filename.replace("/", "_").replace("\\", "_").strip()[:100] or None
    upload = await Upload.create(owner_id=owner, kind=kind, content_type=content_type, size=len(data), sha256=key,
                                 filename=name, variants=variants or None)
    return StoredUpload(upload, variant_urls(upload))


def variant_urls(upload: Upload) -> dict[str, str]:
    """The public addresses of an image's variants (display, thumbnail); none for private files."""
    return {name: public_url(f"/media/public/{key}") for name, key in (upload.variants or {}).items()}


def public_url(path: str) -> str:
    """The address users reach a public file at: notices keep it whole, for the mini-program."""
    return get_settings().public_base_url.rstrip("/") + path


@dataclass(frozen=True)
class StoredUpload:
    upload: Upload
    variants: dict[str, str]  # variant name -> absolute public URL (notice images only)


async def own_upload(actor: Actor, upload_id, kind: str) -> Upload:
    """One's own upload of the given kind; not-found for anyone else's."""
    upload = await Upload.filter(id=upload_id, owner_id=actor.require_person(), kind=kind).first()
    if upload is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的文件", field="uploadId")
    return upload


async def read_upload(actor: Actor, upload_id, kind: str) -> bytes:
    """The bytes of one's own upload of the given kind."""
    return await storage.get((await own_upload(actor, upload_id, kind)).sha256)
