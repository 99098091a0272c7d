"""Notice attachments: PDF and Office (OOXML) files, checked by their structure and re-written
without the metadata that names people. Synchronous (CPU-bound): callers run it in a thread."""

import io
import re
import struct
import zipfile
from posixpath import normpath
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from backend.core.errors import DomainError, ErrorCode

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# The main part's content type says what a package is; templates and macro-enabled mains are not here.
MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
# The parts of an ordinary document: its XML (text, styles, sheets, slides, charts, drawings,
# themes), relationships, properties, pictures and printer settings. Not here, so refused: macros
# (vbaProject), OLE objects, ActiveX controls, embedded packages, fonts, audio and video, and every
# macro-enabled main part.
_OOXML_XML = re.compile(
    r"application/vnd\.openxmlformats-(officedocument\.(wordprocessingml|spreadsheetml|presentationml|drawingml"
    r"|drawing|theme|themeOverride|extended-properties|custom-properties|customXmlProperties)[\w.\-]*\+xml"
    r"|package\.(relationships|core-properties)\+xml)"
)
_EXTRA_TYPES = {
    "application/xml", "text/xml",  # customXml items
    "application/vnd.ms-office.chartstyle+xml", "application/vnd.ms-office.chartcolorstyle+xml",
    "application/vnd.ms-word.stylesWithEffects+xml", "application/vnd.ms-excel.person+xml",
    "application/vnd.ms-excel.threadedcomments+xml", "application/vnd.ms-office.drawingml.diagramDrawing+xml",
    "image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf", "image/x-wmf",
    "image/svg+xml", "image/vnd.ms-photo",
    # The printer's settings Word and Excel keep beside a document: a binary DEVMODE, never run.
    *(f"application/vnd.openxmlformats-officedocument.{ml}.printerSettings"
      for ml in ("wordprocessingml", "spreadsheetml", "presentationml")),
}
_REFUSED_PATHS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|embeddings/|activeX/)", re.IGNORECASE)
MAX_PARTS = 2000
MAX_UNPACKED = 100 * 1024 * 1024  # a zip bomb stops here, before anything is decompressed
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# docProps/core.xml keeps these (what the document is and when it was written); author,
# last modified by, keywords, description, subject, category, revision and the like go.
_CORE_KEPT = {"{http://purl.org/dc/elements/1.1/}title", "{http://purl.org/dc/terms/}created",
              "{http://purl.org/dc/terms/}modified", "{http://purl.org/dc/elements/1.1/}language"}
_APP_REMOVED = {"Company", "Manager", "HyperlinkBase", "Template"}
_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
for _prefix, _uri in _NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)
ElementTree.register_namespace("", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")
# PDF features that run or carry something besides the pages: refused wherever they appear. An
# /OpenAction that only opens at a page (a destination, as LibreOffice writes, or a GoTo action, as
# LaTeX writes) runs nothing and passes; the re-written file has no catalog-level open action at all.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFile", "/EmbeddedFiles", "/Launch", "/RichMedia", "/XFA"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
_PDF_METADATA_KEYS = {"/Metadata", "/PieceInfo"}
MAX_PDF_OBJECTS = 200_000


def _refuse(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field="file")


def clean_attachment(data: bytes) -> tuple[bytes, str]:
    """(the bytes to store, their content type) for a PDF, Word, Excel or PowerPoint file."""
    if data.startswith(b"%PDF-"):
        return clean_pdf(data), PDF
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE container of .doc, .xls and .ppt
        raise _refuse("不支持旧版 Office 文件（.doc、.xls、.ppt），请另存为 .docx、.xlsx 或 .pptx 后上传")
    if data.startswith(b"PK\x03\x04"):
        return _clean_ooxml(data)
    raise _refuse("附件须为 PDF、Word、Excel 或 PowerPoint 文件")


# --- PDF ---------------------------------------------------------------------------------------

def clean_pdf(data: bytes) -> bytes:
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5:].strip():
        raise _refuse("PDF 文件结尾有多余的数据，请重新导出后上传")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse("请上传未加密的 PDF 文件")
        _inspect_pdf(reader.trailer["/Root"])
        writer = PdfWriter()
        for page in reader.pages:  # pages only: the catalog's outlines, forms and XMP stay behind
            writer.add_page(page)
        writer.metadata = None  # no /Info: no author, creator tool or producer
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, struct.error) as exc:
        raise _refuse("文件不是有效的 PDF") from exc
    return out.getvalue()


def _inspect_pdf(root) -> None:
    """Walks every object reachable from the catalog: no scripts, launches or embedded files; and
    takes the XMP and application data off every page and image (a photo's XMP may hold its GPS)."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > MAX_PDF_OBJECTS:
                raise _refuse("PDF 文件过于复杂")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            opens = item.get("/OpenAction")
            if _PDF_ACTIVE_KEYS & set(item.keys()) or item.get("/S") in _PDF_ACTIVE_ACTIONS \
                    or item.get("/Subtype") == "/FileAttachment" \
                    or (opens is not None and not _opens_at_a_page(opens.get_object())):
                raise _refuse("PDF 文件含有脚本、自动动作或嵌入的文件，不能作为附件")
            for key in _PDF_METADATA_KEYS & set(item.keys()):
                del item[key]
            stack.extend(value for key, value in item.items() if key != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _opens_at_a_page(action) -> bool:
    return isinstance(action, ArrayObject) or (isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo")


# --- Office (OOXML) ----------------------------------------------------------------------------

def _end_of_central_directory(data: bytes) -> None:
    """The zip's last record ends the file: nothing is appended after it or between the entries
    and the directory (zipfile itself would tolerate both)."""
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < 22:
        raise _refuse("文件不是有效的 Office 文档")
    dir_size, dir_offset, comment_length = struct.unpack("<IIH", data[at + 12:at + 22])
    if at + 22 + comment_length != len(data) or dir_offset + dir_size != at:
        raise _refuse("Office 文件结尾有多余的数据，请重新保存后上传")


def _part_name(name: str) -> str:
    normal = normpath("/" + name)
    if name.startswith("/") or "\\" in name or normal != "/" + name or name.endswith("/"):
        raise _refuse("Office 文件包含不属于文档的内容")
    return normal


def _xml(raw: bytes) -> ElementTree.Element:
    try:
        return fromstring(raw, forbid_dtd=True)  # no DTDs or entities: OOXML never declares one
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise _refuse("文件不是有效的 Office 文档") from exc


def _content_types(root: ElementTree.Element, parts: list[str]) -> dict[str, str]:
    """Each part's declared content type (Override by name, else Default by extension)."""
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(f"{_CT}Default")}
    overrides = {e.get("PartName", "").lower(): e.get("ContentType", "") for e in root.iter(f"{_CT}Override")}
    types = {}
    for part in parts:
        declared = overrides.get(part.lower()) or defaults.get(part.rsplit(".", 1)[-1].lower())
        if declared is None:
            raise _refuse("Office 文件包含不属于文档的内容")
        types[part] = declared
    return types


def _clean_ooxml(data: bytes) -> tuple[bytes, str]:
    _end_of_central_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS or sum(e.file_size for e in entries) > MAX_UNPACKED:
                raise _refuse("Office 文件解压后过大")
            names = [e.filename for e in entries]
            if len(set(n.lower() for n in names)) != len(names) or "[Content_Types].xml" not in names:
                raise _refuse("文件不是有效的 Office 文档")
            parts = [_part_name(n) for n in names if n != "[Content_Types].xml"]
            if any(_REFUSED_PATHS.search(p) for p in parts):
                raise _refuse("Office 文件含有宏、嵌入对象或控件，不能作为附件（不接受 .docm、.xlsm 等）")
            types = _content_types(_xml(archive.read("[Content_Types].xml")), parts)
            refused = [t for t in types.values() if not (_OOXML_XML.fullmatch(t) or t in _EXTRA_TYPES)]
            if refused:
                raise _refuse("Office 文件含有宏、嵌入对象或不支持的内容，不能作为附件（不接受 .docm、.xlsm 等）")
            kinds = {MAIN_PARTS[t] for t in types.values() if t in MAIN_PARTS}
            if len(kinds) != 1:
                raise _refuse("附件须为 Word（.docx）、Excel（.xlsx）或 PowerPoint（.pptx）文件")
            contents = {name: archive.read(name) for name in names}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise _refuse("文件不是有效的 Office 文档") from exc
    for name, raw in contents.items():
        if name.endswith((".xml", ".rels")):
            root = _xml(raw)
            if name.endswith(".rels"):
                _refuse_external_links(root)
            contents[name] = _without_metadata(name, root) or raw
    return _repack(contents), kinds.pop()


def _refuse_external_links(root: ElementTree.Element) -> None:
    """Hyperlinks may point outside; a remote template, OLE link or picture fetched at open may not."""
    for rel in root.iter(f"{_REL}Relationship"):
        if rel.get("TargetMode") == "External" and rel.get("Type") != _HYPERLINK:
            raise _refuse("Office 文件引用了外部内容（模板或对象），不能作为附件")


def _without_metadata(name: str, root: ElementTree.Element) -> bytes | None:
    """docProps without the people and organisation in them; None for every other part."""
    if name == "docProps/core.xml":
        for child in [c for c in root if c.tag not in _CORE_KEPT]:
            root.remove(child)
    elif name == "docProps/app.xml":
        for child in [c for c in root if c.tag.rsplit("}", 1)[-1] in _APP_REMOVED]:
            root.remove(child)
    elif name == "docProps/custom.xml":
        root.clear()
    else:
        return None
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _repack(contents: dict[str, bytes]) -> bytes:
    """A fresh zip of the parts: whatever hid between the original entries is gone."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", contents.pop("[Content_Types].xml"))
        for name, raw in contents.items():
            archive.writestr(name, raw)
    return out.getvalue()
