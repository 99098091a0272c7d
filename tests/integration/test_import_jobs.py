"""Importing as a job the console watches: the template to fill in, the progress a worker moves row by
row to the end, and the report (rows imported, rows refused with row number and reason)."""

import io
import random

from openpyxl import load_workbook

from backend.registry.importer import BATCH, COLUMNS
from backend.registry.models import PersonRoom
from tests.integration.conftest import eventually
from tests.integration.test_registry_import import residents, upload, workbook

START = """mutation($c: ID!, $u: ID!, $valid: Boolean!) {
  registryImportStart(communityId: $c, uploadId: $u, onlyValidRows: $valid) {
    job { id state } errors { code field message } } }"""
JOB = "query($id: ID!) { staffJob(id: $id) { state total done result error } }"


async def finished(console, job_id: str, seen: list) -> dict:
    async def check():
        job = (await console.query(JOB, id=job_id))["data"]["staffJob"]
        seen.append(job["done"])
        return job if job["state"] in ("DONE", "FAILED") else None
    return await eventually(check, deadline_s=60)


async def test_the_template_is_a_workbook_with_the_import_header(console, api):
    await console.sign_in("committee")
    response = await console.http.get("/exports/registry-template.xlsx",
                                      headers={"authorization": f"Bearer {console.token}"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows == [tuple(COLUMNS)]

    await api.sign_in("resident")
    refused = await api.http.get("/exports/registry-template.xlsx", headers={"authorization": f"Bearer {api.token}"})
    assert refused.status_code == 403 and refused.json()["errors"][0]["message"] == "您没有此项操作的权限"
    assert (await api.http.get("/exports/registry-template.xlsx")).status_code == 401


async def test_an_import_job_moves_to_every_row_and_reports(console, api, demo_community, start_worker):
    start_worker()
    estate = f"任务小区{random.randint(0, 10**6)}"
    rows = residents(estate, BATCH * 2 + 100, seed=7)
    rows[3][7] = "123"  # row 5 of the sheet: a bad phone
    await console.sign_in("committee")
    upload_id = await upload(console, workbook(rows))
    started = (await console.query(START, c=str(demo_community.id), u=upload_id, valid=True))["data"]
    job = started["registryImportStart"]["job"]
    assert job["state"] == "QUEUED" and started["registryImportStart"]["errors"] == []

    seen: list[int] = []
    done = await finished(console, job["id"], seen)
    valid = len(rows) - 1
    assert done["state"] == "DONE" and done["total"] == done["done"] == valid
    assert seen == sorted(seen)  # progress only moves forward
    assert done["result"] == {"totalRows": len(rows), "validRows": valid, "importedRows": valid,
                              "errors": [{"row": 5, "column": "手机号", "message": "须为 11 位手机号"}]}
    assert await PersonRoom.filter(room__unit__building__estate__name=estate).count() == valid

    # Only the person who started it sees the job.
    await api.sign_in("property")
    assert (await api.query(JOB, id=job["id"]))["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_job_with_bad_rows_imports_nothing_and_an_unreadable_file_fails_in_words(console, demo_community,
                                                                                        start_worker):
    start_worker()
    estate = f"任务小区{random.randint(0, 10**6)}"
    rows = residents(estate, 3, seed=8)
    rows[1][9] = "房客"
    await console.sign_in("committee")
    job = (await console.query(START, c=str(demo_community.id), u=await upload(console, workbook(rows)),
                               valid=False))["data"]["registryImportStart"]["job"]
    done = await finished(console, job["id"], [])
    assert done["state"] == "DONE" and done["result"]["importedRows"] == 0
    assert done["result"]["errors"] == [{"row": 3, "column": "身份", "message": "须为 业主、租户 或 同住人"}]
    assert not await PersonRoom.filter(room__unit__building__estate__name=estate).exists()

    wrong_header = workbook([])
    book = load_workbook(io.BytesIO(wrong_header))
    book.active["A1"] = "楼盘"
    out = io.BytesIO()
    book.save(out)
    job = (await console.query(START, c=str(demo_community.id), u=await upload(console, out.getvalue()),
                               valid=False))["data"]["registryImportStart"]["job"]
    failed = await finished(console, job["id"], [])
    assert failed["state"] == "FAILED" and failed["error"].startswith("表头须为：小区、楼栋")


async def test_staff_who_may_not_import_cannot_start_an_import(console, demo_community):
    await console.sign_in("committee")
    upload_id = await upload(console, workbook(residents("某小区", 1, seed=9)))
    await console.sign_in("property")
    refused = (await console.query(START, c=str(demo_community.id), u=upload_id, valid=False))["data"]
    assert refused["registryImportStart"]["job"] is None
    assert refused["registryImportStart"]["errors"][0]["code"] == "FORBIDDEN"
