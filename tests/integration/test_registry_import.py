"""Importing the registry from Excel: a whole community at once, and nothing at all from a bad file."""

import io
import random
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

from backend.registry.importer import COLUMNS, ID_WEIGHTS
from backend.registry.models import PersonRoom, Room

IMPORT = """mutation($c: ID!, $u: ID!, $dry: Boolean!, $valid: Boolean!) {
  registryImport(communityId: $c, uploadId: $u, dryRun: $dry, onlyValidRows: $valid) {
    report { totalRows validRows importedRows errors { row column message } } errors { code message } } }"""


def id_number(seed: int, i: int) -> str:
    """A valid ID number, different for every (seed, row): born on a day set by both, numbered by row."""
    born = date(1940, 1, 1) + timedelta(days=seed * 50 + i // 1000)
    body = f"110105{born:%Y%m%d}{i % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def residents(estate: str, count: int, seed: int) -> list[list]:
    rng = random.Random(seed)
    phones = rng.sample(range(10**8), count)
    roles = ["业主", "租户", "同住人"]
    return [[estate, f"{i // 500 + 1}栋", f"{i // 100 % 5 + 1}单元", f"{i % 100 // 4 + 1:02d}0{i % 4 + 1}",
             i % 100 // 4 + 1, "89.5", f"居民{i}", f"15{phones[i]:09d}", id_number(seed, i), roles[i % 3]]
            for i in range(count)]


async def upload(client, data: bytes) -> str:
    response = await client.http.post(
        "/uploads", params={"kind": "registry_import"}, headers={"authorization": f"Bearer {client.token}"},
        files={"file": ("residents.xlsx", data, "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    return response.json()["id"]


async def test_a_5000_resident_workbook_imports(console, demo_community):
    estate = f"导入小区{random.randint(0, 10**6)}"
    await console.sign_in("committee")
    upload_id = await upload(console, workbook(residents(estate, 5000, seed=1)))
    variables = {"c": str(demo_community.id), "u": upload_id, "valid": False}
    dry = (await console.query(IMPORT, dry=True, **variables))["data"]["registryImport"]["report"]
    assert dry == {"totalRows": 5000, "validRows": 5000, "importedRows": 0, "errors": []}
    done = (await console.query(IMPORT, dry=False, **variables))["data"]["registryImport"]["report"]
    assert done["importedRows"] == 5000
    assert await PersonRoom.filter(room__unit__building__estate__name=estate, until=None).count() == 5000
    # Rooms come out right: 10 buildings x 5 units x 25 floors x 4 rooms, with their door numbers.
    rooms = Room.filter(unit__building__estate__name=estate)
    assert await rooms.count() == 5000 and await rooms.filter(number="2504").count() == 50


async def test_bad_rows_import_nothing_and_each_is_named(console, demo_community):
    estate = f"坏数据小区{random.randint(0, 10**6)}"
    rows = residents(estate, 6, seed=2)
    rows[1][7] = "123"  # phone
    rows[3][8] = "110105194912310021"  # wrong check digit
    rows[4][9] = "房东"  # no such role
    rows[5][7] = rows[0][7]  # the same phone twice
    await console.sign_in("committee")
    upload_id = await upload(console, workbook(rows))
    result = (await console.query(IMPORT, c=str(demo_community.id), u=upload_id, dry=False, valid=False))["data"]
    report = result["registryImport"]["report"]
    assert report["importedRows"] == 0 and report["validRows"] == 2
    assert {(e["row"], e["column"]) for e in report["errors"]} == {(3, "手机号"), (5, "身份证号"), (6, "身份"),
                                                                   (7, "手机号")}
    assert not await Room.filter(unit__building__estate__name=estate).exists()

    only_valid = (await console.query(IMPORT, c=str(demo_community.id), u=upload_id, dry=False, valid=True))["data"]
    assert only_valid["registryImport"]["report"]["importedRows"] == 2


async def test_import_needs_the_permission_and_a_real_workbook(console, api, demo_community):
    await console.sign_in("grid")
    upload_id = await upload(console, workbook(residents("x", 1, seed=3)))
    refused = (await console.query(IMPORT, c=str(demo_community.id), u=upload_id, dry=True, valid=False))["data"]
    assert refused["registryImport"]["errors"][0]["code"] == "FORBIDDEN"
    response = await console.http.post(
        "/uploads", params={"kind": "registry_import"}, headers={"authorization": f"Bearer {console.token}"},
        files={"file": ("evil.xlsx", b"MZ\x90\x00 not a workbook", "application/octet-stream")},
    )
    assert response.status_code == 400 and "xlsx" in response.json()["errors"][0]["message"]
    anonymous = await api.http.post("/uploads", params={"kind": "registry_import"}, files={"file": ("a", b"x")})
    assert anonymous.status_code == 401


async def test_export_gives_back_the_import_format_with_masked_data(console, demo_community):
    await console.sign_in("committee")
    response = await console.http.get("/exports/registry.xlsx", params={"community": str(demo_community.id)},
                                      headers={"authorization": f"Bearer {console.token}"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    resident = next(r for r in rows if r[6] == "张阿姨")
    assert resident[7] == "138****0006" and resident[3] == "101"
