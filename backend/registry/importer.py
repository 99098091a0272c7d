"""Bulk import of the registry and its residents from Excel, and export back to Excel.

A workbook is checked whole before anything is written. With bad rows, nothing is imported
(unless asked to import only the valid rows) and every bad row is reported by number and column.
"""

import asyncio
import hashlib
import io
import re
from dataclasses import dataclass, field
from uuid import UUID

from openpyxl import Workbook, load_workbook

from backend.audit import service as audit
from backend.core import crypto, outbox, progress
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.identities import changed
from backend.core.permissions import Permission, require, staff_communities
from backend.core.progress import JobState, StaffJob
from backend.core.spreadsheet import safe_row
from backend.media.service import own_upload, read_upload
from backend.people.masking import masked_id_number, masked_phone
from backend.people.models import Person
from backend.registry.models import (
    Building,
    Channel,
    Estate,
    Household,
    Membership,
    PersonRoom,
    ResidentRole,
    Role,
    Room,
    Unit,
)
from backend.registry.scope import grid_scope

COLUMNS = ["小区", "楼栋", "单元", "房号", "楼层", "专有面积", "姓名", "手机号", "身份证号", "身份"]
ROLES = {"业主": ResidentRole.OWNER, "租户": ResidentRole.TENANT, "同住人": ResidentRole.CO_RESIDENT}
ROLE_NAMES = {role: name for name, role in ROLES.items()}
MAX_ROWS = 20_000
BATCH = 500  # rows written per transaction by the import job
PHONE = re.compile(r"^1\d{10}$")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def valid_id_number(value: str) -> bool:
    """A mainland resident ID: 17 digits and a check character (GB 11643)."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17]


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ResidentRow:
    row: int
    estate: str
    building: str
    unit: str
    room: str
    floor: int
    area_dm2: int
    name: str
    phone: str
    id_number: str | None
    role: ResidentRole


@dataclass
class ImportReport:
    total_rows: int
    valid_rows: int
    errors: list[RowError] = field(default_factory=list)
    imported_rows: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(data: bytes) -> tuple[list[ResidentRow], list[RowError], int]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DomainError(ErrorCode.INVALID_INPUT, "无法读取该 Excel 文件", field="uploadId") from exc
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    if header[: len(COLUMNS)] != COLUMNS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"表头须为：{'、'.join(COLUMNS)}", field="uploadId")
    parsed: list[ResidentRow] = []
    errors: list[RowError] = []
    seen_phones: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    total = 0
    for number, values in enumerate(rows, start=2):
        cells = [_text(v) for v in (list(values) + [None] * len(COLUMNS))[: len(COLUMNS)]]
        if not any(cells):
            continue
        total += 1
        if total > MAX_ROWS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多导入 {MAX_ROWS} 行", field="uploadId")
        row_errors = _check_row(number, dict(zip(COLUMNS, cells, strict=True)), seen_phones, seen_ids)
        if row_errors:
            errors += row_errors
            continue
        estate, building, unit, room, floor, area, name, phone, id_number, role = cells
        parsed.append(ResidentRow(number, estate, building, unit, room, int(floor), round(float(area) * 100),
                                  name, phone, id_number.upper() or None, ROLES[role]))
    return parsed, errors, total


def _check_row(number: int, row: dict[str, str], seen_phones: dict[str, int],
               seen_ids: dict[str, int]) -> list[RowError]:
    required = ("小区", "楼栋", "单元", "房号", "姓名", "手机号", "身份")
    errors = [RowError(number, c, "必填") for c in required if not row[c]]
    limits = {"小区": 64, "楼栋": 32, "单元": 32, "房号": 16, "姓名": 64}
    errors += [RowError(number, c, "过长") for c, n in limits.items() if len(row[c]) > n]
    if not re.fullmatch(r"-?\d{1,3}", row["楼层"]):
        errors.append(RowError(number, "楼层", "须为整数"))
    try:
        if not 0 < float(row["专有面积"]) < 10_000:
            raise ValueError
    except ValueError:
        errors.append(RowError(number, "专有面积", "须为正数（平方米）"))
    if row["手机号"] and not PHONE.match(row["手机号"]):
        errors.append(RowError(number, "手机号", "须为 11 位手机号"))
    elif row["手机号"] in seen_phones:
        errors.append(RowError(number, "手机号", f"与第 {seen_phones[row['手机号']]} 行重复"))
    elif row["手机号"]:
        seen_phones[row["手机号"]] = number
    id_number = row["身份证号"].upper()
    if id_number and not valid_id_number(id_number):
        errors.append(RowError(number, "身份证号", "身份证号无效"))
    elif id_number in seen_ids:
        errors.append(RowError(number, "身份证号", f"与第 {seen_ids[id_number]} 行重复"))
    elif id_number:
        seen_ids[id_number] = number
    if row["身份"] and row["身份"] not in ROLES:
        errors.append(RowError(number, "身份", "须为 业主、租户 或 同住人"))
    return errors


async def _check(data: bytes) -> tuple[list[ResidentRow], ImportReport]:
    """The rows that may be written and the report on the whole workbook."""
    # openpyxl parses in a thread: a large workbook takes seconds of CPU the event loop must not wait on.
    rows, errors, total = await asyncio.to_thread(parse, data)
    rows, conflicts = await _registered_elsewhere(rows)
    errors = sorted(errors + conflicts, key=lambda e: e.row)
    return rows, ImportReport(total_rows=total, valid_rows=len(rows), errors=errors)


def _writes(report: ImportReport, rows: list[ResidentRow], only_valid_rows: bool) -> bool:
    return bool(rows) and (only_valid_rows or not report.errors)


async def _record(tx, actor: Actor, community_id: UUID, report: ImportReport) -> None:
    await audit.record(tx, actor, "registry.import", "community", community_id, community_id=community_id,
                       after={"rows": report.valid_rows, "skipped": report.total_rows - report.valid_rows})


async def import_residents(actor: Actor, *, community_id: UUID, upload_id: UUID, dry_run: bool,
                           only_valid_rows: bool) -> ImportReport:
    require(actor, Permission.REGISTRY_IMPORT, community_id)
    rows, report = await _check(await read_upload(actor, upload_id, "registry_import"))
    if dry_run or not _writes(report, rows, only_valid_rows):
        return report
    async with transaction() as tx:
        await write_rows(tx, community_id, rows)
        await _record(tx, actor, community_id, report)
    report.imported_rows = len(rows)
    return report


async def start_import(actor: Actor, *, community_id: UUID, upload_id: UUID, only_valid_rows: bool) -> StaffJob:
    """The import as a job (registry.import) whose progress the console shows, row by row."""
    require(actor, Permission.REGISTRY_IMPORT, community_id)
    await own_upload(actor, upload_id, "registry_import")
    async with transaction() as tx:
        job = await StaffJob.create(community_id=community_id, owner_id=actor.person_id, kind="registry_import",
                                    using_db=tx)
        await outbox.add(tx, "registry.import", key=f"import:{job.id}", job_id=str(job.id),
                         upload_id=str(upload_id), only_valid_rows=only_valid_rows)
    return job


async def run_import(job_id: UUID, upload_id: UUID, only_valid_rows: bool) -> None:
    """The job: checked whole, then written in batches, each its own transaction, the progress moved
    after each. A retried job writes nothing twice: every write finds what an earlier run made."""
    job = await StaffJob.get(id=job_id)
    if job.state in (JobState.DONE, JobState.FAILED):
        return
    try:
        rows, report = await _check(await read_upload(Actor(person_id=job.owner_id), upload_id, "registry_import"))
    except DomainError as error:
        await progress.fail(job_id, error.message)
        return
    if not _writes(report, rows, only_valid_rows):
        await progress.finish(job_id, report_json(report))
        return
    await progress.advance(job_id, done=0, total=len(rows))
    for start in range(0, len(rows), BATCH):
        async with transaction() as tx:
            await write_rows(tx, job.community_id, rows[start:start + BATCH])
            if start + BATCH >= len(rows):
                await _record(tx, Actor(person_id=job.owner_id), job.community_id, report)
        await progress.advance(job_id, done=min(start + BATCH, len(rows)))
    report.imported_rows = len(rows)
    await progress.finish(job_id, report_json(report))


def report_json(report: ImportReport) -> dict:
    """The report as the job keeps it (the first 500 errors, as the API shows them)."""
    return {"totalRows": report.total_rows, "validRows": report.valid_rows, "importedRows": report.imported_rows,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors[:500]]}


async def _registered_elsewhere(rows: list[ResidentRow]) -> tuple[list[ResidentRow], list[RowError]]:
    """Rows whose ID number already belongs to a person with another phone: the same person cannot
    be two residents, and which record is right is for the committee to decide."""
    by_id = {h: r for r in rows if r.id_number for h in crypto.lookup_hashes(r.id_number)}
    owners = [o for chunk in _chunks(list(by_id)) for o in await Person.filter(id_number_lookup__in=chunk)
              .values_list("id_number_lookup", "phone_lookup")]
    clashing = {id_lookup for id_lookup, phone_lookup in owners
                if phone_lookup not in crypto.lookup_hashes(by_id[id_lookup].phone)}
    bad = {by_id[i].row for i in clashing}
    errors = [RowError(row, "身份证号", "该身份证号已登记为另一位居民（手机号不同）") for row in sorted(bad)]
    return [r for r in rows if r.row not in bad], errors


def _chunks(values: list, size: int = 10_000) -> list[list]:
    """A long IN list in parts: PostgreSQL takes at most 32,767 bind parameters per statement."""
    return [values[i:i + size] for i in range(0, len(values), size)]


def _room_code(community_id: UUID, row: ResidentRow) -> str:
    address = f"{community_id}|{row.estate}|{row.building}|{row.unit}|{row.room}"
    return "R" + hashlib.sha256(address.encode()).hexdigest()[:15].upper()


async def write_rows(tx, community_id: UUID, rows: list[ResidentRow]) -> None:
    """Find-or-create the places and people in bulk: a 5,000-row workbook is a few dozen queries."""
    estates = {e.name: e for e in await Estate.filter(community_id=community_id).using_db(tx)}
    for name in {r.estate for r in rows} - estates.keys():
        estates[name] = await Estate.create(community_id=community_id, name=name, using_db=tx)
    buildings = {(b.estate_id, b.name): b for b in await Building.filter(community_id=community_id).using_db(tx)}
    for key in {(estates[r.estate].id, r.building) for r in rows} - buildings.keys():
        buildings[key] = await Building.create(community_id=community_id, estate_id=key[0], name=key[1], using_db=tx)
    units = {(u.building_id, u.name): u for u in await Unit.filter(community_id=community_id).using_db(tx)}
    for key in {(buildings[(estates[r.estate].id, r.building)].id, r.unit) for r in rows} - units.keys():
        units[key] = await Unit.create(community_id=community_id, building_id=key[0], name=key[1], using_db=tx)

    codes = {_room_code(community_id, r): r for r in rows}
    rooms = {room.code: room for room in await Room.filter(code__in=list(codes)).using_db(tx)}
    new_rooms = [
        Room(community_id=community_id, code=code, number=r.room, floor=r.floor, area_dm2=r.area_dm2,
             unit_id=units[(buildings[(estates[r.estate].id, r.building)].id, r.unit)].id)
        for code, r in codes.items() if code not in rooms
    ]
    await Room.bulk_create(new_rooms, batch_size=1000, using_db=tx)
    rooms.update({room.code: room for room in new_rooms})
    households = {h.room_id: h for h in await Household.filter(room_id__in=[r.id for r in rooms.values()]).using_db(tx)}
    new_households = [Household(community_id=community_id, room_id=room.id)
                      for room in rooms.values() if room.id not in households]
    await Household.bulk_create(new_households, batch_size=1000, using_db=tx)
    households.update({h.room_id: h for h in new_households})

    # People by phone, found under any key of the ring (a key rotation may be half done).
    by_lookup = {h: r.phone for r in rows for h in crypto.lookup_hashes(r.phone)}
    people = {by_lookup[p.phone_lookup]: p for chunk in _chunks(list(by_lookup))
              for p in await Person.filter(phone_lookup__in=chunk).using_db(tx)}
    new_people = {
        r.phone: Person(display_name=r.name,
                        id_number_encrypted=crypto.encrypt(r.id_number) if r.id_number else None,
                        id_number_lookup=crypto.lookup_hash(r.id_number) if r.id_number else None)
        for r in rows if r.phone not in people
    }
    for phone, person in new_people.items():
        person.set_phone(phone)
    await Person.bulk_create(list(new_people.values()), batch_size=1000, using_db=tx)
    people.update(new_people)

    now = clock.now()
    person_ids = [p.id for p in people.values()]
    living = set(await PersonRoom.filter(person_id__in=person_ids, until=None).using_db(tx)
                 .values_list("person_id", "room_id"))
    members = set(await Membership.filter(person_id__in=person_ids, community_id=community_id).using_db(tx)
                  .values_list("person_id", "role"))
    links, memberships = [], []
    for r in rows:
        person, room = people[r.phone], rooms[_room_code(community_id, r)]
        household = households[room.id]
        if (person.id, room.id) not in living:
            living.add((person.id, room.id))
            links.append(PersonRoom(community_id=community_id, person_id=person.id, room_id=room.id,
                                    household_id=household.id, role=r.role, since=now, channel=Channel.IMPORT))
        for role in [Role.RESIDENT] + ([Role.OWNER] if r.role is ResidentRole.OWNER else []):
            if (person.id, role) not in members:
                members.add((person.id, role))
                memberships.append(Membership(person_id=person.id, community_id=community_id,
                                              household_id=household.id, role=role))
    await PersonRoom.bulk_create(links, batch_size=1000, using_db=tx)
    await Membership.bulk_create(memberships, batch_size=1000, using_db=tx)
    changed(tx, *(m.person_id for m in memberships))


async def export_residents(actor: Actor, *, community_id: UUID) -> bytes:
    """The community's residents as a workbook with the import's columns, for reading and offline
    visits. Personal data is masked, so an export is not an import file: full numbers stay here."""
    require(actor, Permission.REGISTRY_IMPORT, community_id)
    scope = await grid_scope(actor, community_id)
    links = await PersonRoom.filter(scope.buildings("room__unit__building"), community_id=community_id,
                                    until=None).select_related(
        "person", "room__unit__building__estate"
    ).order_by("room__code").limit(MAX_ROWS)
    rows = []
    for link in links:
        room = link.room
        rows.append(safe_row([room.unit.building.estate.name, room.unit.building.name, room.unit.name, room.number,
                     room.floor, room.area_dm2 / 100, link.person.display_name, masked_phone(link.person),
                     masked_id_number(link.person), ROLE_NAMES[link.role]]))
    return await asyncio.to_thread(_workbook, "住户", COLUMNS, rows)


async def template(actor: Actor) -> bytes:
    """The workbook to fill in: the import's header row, nothing else (an example row would be imported)."""
    if not staff_communities(actor, Permission.REGISTRY_IMPORT):
        raise DomainError(ErrorCode.FORBIDDEN, "您没有此项操作的权限")
    return await asyncio.to_thread(_workbook, "住户", COLUMNS, [])


def _workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    """An .xlsx of one sheet (run in a thread: building and zipping it is CPU work)."""
    book = Workbook()  # not write_only: its sheet generator fails when collected after save
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
