"""Notice attachments: uploaded by those who publish notices, downloaded by the notice's audience
and its staff only, accepted only when the file is what it claims to be by its structure, and
served without the metadata that names its author. Every test file is built here."""

import io
import zipfile

from openpyxl import Workbook, load_workbook
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from backend.notices import service
from backend.registry.models import PersonRoom, Room

CREATE = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id attachments { name contentType url } } errors { code field message } } }"""
PUBLISH = "mutation($id: ID!) { noticePublish(id: $id) { notice { state } errors { code } } }"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
AUTHOR = "Wang Wu the author"


def pdf(author: str = AUTHOR, script: bool = False) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    # Opens at page 1, as LibreOffice's exports say: a destination, not an action, so allowed.
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])
    writer.add_metadata({"/Author": author, "/Creator": "Secret Office Suite"})
    # XMP on the document and on its page, as a scanned photo's page may carry it.
    writer.xmp_metadata = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{author} GPS 39,54.45N</x:xmpmeta>'.encode()
    page[NameObject("/Metadata")] = writer.root_object.raw_get("/Metadata")
    if script:  # runs when the file opens
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(main: str = DOCX_MAIN, extra_parts: dict[str, bytes] | None = None) -> bytes:
    """The smallest Word package: content types, its relationships, a document and core properties."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
            'core-properties+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>'),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>停水安排</w:t></w:r></w:p></w:body></w:document>'),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>停水安排</dc:title><dc:creator>{AUTHOR}</dc:creator>'
            f'<cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-01T08:00:00Z</dcterms:created>'
            '</cp:coreProperties>'),
        **(extra_parts or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def xlsx(content_type_of_main: str | None = None) -> bytes:
    book = Workbook()
    book.active.append(["楼栋", "停水时间"])
    book.properties.creator = book.properties.lastModifiedBy = AUTHOR
    out = io.BytesIO()
    book.save(out)
    if content_type_of_main is None:
        return out.getvalue()
    # The same workbook relabelled as macro-enabled (.xlsm), the way Excel marks one.
    relabelled = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(relabelled, "w") as target:
        for name in source.namelist():
            raw = source.read(name)
            if name == "[Content_Types].xml":
                raw = raw.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                  content_type_of_main.encode())
            target.writestr(name, raw)
    return relabelled.getvalue()


def _unpacked(data: bytes) -> bytes:
    """A zip's parts end to end (an Office file's XML is compressed), or the bytes as they are."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


async def _upload(client, data: bytes, name: str):
    return await client.http.post("/uploads", params={"kind": "notice_attachment"},
                                  headers={"authorization": f"Bearer {client.token}"},
                                  files={"file": (name, data, "application/octet-stream")})


async def _get(client, url: str, token: str | None = None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await client.http.get(url, headers=headers)


async def _notice_with(console, community_id, household_id, upload_ids: list[str]) -> dict:
    created = await console.query(CREATE, c=str(community_id), input={
        "title": "停水通知", "bodyHtml": "<p>见附件</p>", "category": "物业", "attachments": upload_ids,
        "audience": [{"kind": "HOUSEHOLD", "ids": [household_id]}]})
    return created["data"]["noticeCreate"]["notice"]


async def test_only_the_audience_and_the_staff_download_a_notice_attachment(api, console, demo_community,
                                                                            make_person, other_community):
    reader = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-2-1-303"))
    outsider = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-2-1-304"))
    foreign_staff = await make_person(other_community[0].id, ["COMMITTEE_STAFF"])
    household = str((await PersonRoom.get(person=reader)).household_id)

    await api.sign_in(reader.handle)  # a resident may not upload attachments at all
    refused = await _upload(api, pdf(), "通知.pdf")
    assert refused.status_code == 403 and refused.json()["errors"][0]["field"] == "kind"

    await console.sign_in("committee")
    uploaded = await _upload(console, pdf(), "停水安排.pdf")
    assert uploaded.status_code == 200, uploaded.text
    notice = await _notice_with(console, demo_community.id, household, [uploaded.json()["id"]])
    [attachment] = notice["attachments"]
    assert attachment["name"] == "停水安排.pdf" and attachment["contentType"] == "application/pdf"
    url = attachment["url"]

    # A draft: its staff only, not yet its audience.
    reader_token = (await api.sign_in(reader.handle))["accessToken"]
    assert (await _get(api, url, reader_token)).status_code == 404
    assert (await _get(console, url, console.token)).status_code == 200

    assert (await console.query(PUBLISH, id=notice["id"]))["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"
    await service.fan_out(notice["id"])
    download = await _get(api, url, reader_token)
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert PdfReader(io.BytesIO(download.content)).pages  # a PDF still
    assert (await _get(console, url, console.token)).status_code == 200

    anonymous = await _get(api, url)
    assert anonymous.status_code == 401
    for stranger in (outsider, foreign_staff):
        token = (await api.sign_in(stranger.handle))["accessToken"]
        assert (await _get(api, url, token)).status_code == 404


async def test_pdfs_with_appended_bytes_or_scripts_and_encrypted_ones_are_refused(console):
    await console.sign_in("committee")
    encrypted = PdfWriter()
    encrypted.add_blank_page(100, 100)
    encrypted.encrypt("secret")
    locked = io.BytesIO()
    encrypted.write(locked)
    for data, message in ((pdf() + b"\n<script>alert(1)</script>", "多余的数据"),
                          (pdf(script=True), "脚本"),
                          (locked.getvalue(), "未加密"),
                          (b"%PDF-1.4\nnot really a pdf\n%%EOF\n", "不是有效的 PDF")):
        response = await _upload(console, data, "通知.pdf")
        assert response.status_code == 400, response.text
        assert message in response.json()["errors"][0]["message"]


async def test_office_files_with_something_appended_macros_or_legacy_formats_are_refused(console):
    await console.sign_in("committee")
    macro_word = docx(main="application/vnd.ms-word.document.macroEnabled.main+xml",
                      extra_parts={"word/vbaProject.bin": b"Attribute VB_Name"})
    xlsm = xlsx(content_type_of_main="application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    ole = docx(extra_parts={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"})
    for data, name, message in ((docx() + b"appended", "通知.docx", "多余的数据"),
                                (macro_word, "通知.docm", "宏"),
                                (xlsm, "名单.xlsm", "宏"),
                                (ole, "通知.docx", "嵌入对象"),
                                (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧.doc", "旧版 Office")):
        response = await _upload(console, data, name)
        assert response.status_code == 400, (name, response.text)
        assert message in response.json()["errors"][0]["message"], (name, response.text)


async def test_what_is_served_has_no_author_metadata(console, demo_community, make_person):
    reader = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-2-1-305"))
    household = str((await PersonRoom.get(person=reader)).household_id)
    await console.sign_in("committee")
    ids = []
    for data, name in ((pdf(), "a.pdf"), (docx(), "b.docx"), (xlsx(), "c.xlsx")):
        assert AUTHOR.encode() in _unpacked(data)  # the test file really names its author
        response = await _upload(console, data, name)
        assert response.status_code == 200, response.text
        ids.append(response.json()["id"])
    notice = await _notice_with(console, demo_community.id, household, ids)
    served = {a["name"]: (await _get(console, a["url"], console.token)).content for a in notice["attachments"]}

    assert PdfReader(io.BytesIO(served["a.pdf"])).metadata in (None, {})
    assert AUTHOR.encode() not in served["a.pdf"] and b"Secret Office Suite" not in served["a.pdf"]
    assert b"39,54" not in served["a.pdf"] and b"xmpmeta" not in served["a.pdf"]
    assert all(AUTHOR.encode() not in _unpacked(data) for data in served.values())
    with zipfile.ZipFile(io.BytesIO(served["b.docx"])) as word:
        core = word.read("docProps/core.xml").decode()
        assert AUTHOR not in core and "停水安排" in core  # the title is kept, the author is not
        assert "停水安排" in word.read("word/document.xml").decode()
    sheet = load_workbook(io.BytesIO(served["c.xlsx"]))
    assert AUTHOR not in (sheet.properties.creator, sheet.properties.lastModifiedBy)  # Excel still opens it
    assert sheet.active["A1"].value == "楼栋"
