"""Staff corrections to the registry are audited with before and after; proof photos are private
and lose their metadata."""

import io
import uuid

from PIL import Image

from backend.registry.models import Building, Grid

UPDATE = """mutation($id: ID!, $name: String, $phone: String) {
  residentUpdate(id: $id, displayName: $name, phone: $phone) {
    resident { displayName phone } errors { code field } } }"""


async def test_a_resident_correction_is_audited_with_before_and_after(console, make_person, demo_community):
    phone = f"187{uuid.uuid4().int % 10**8:08d}"
    person = await make_person(demo_community.id, ["RESIDENT"], phone=phone)
    await console.sign_in("committee")
    bad = (await console.query(UPDATE, id=str(person.id), phone="12345"))["data"]["residentUpdate"]
    assert bad["errors"] == [{"code": "INVALID_INPUT", "field": "phone"}]
    fixed = (await console.query(UPDATE, id=str(person.id), name="李秀英"))["data"]["residentUpdate"]
    assert fixed["resident"] == {"displayName": "李秀英", "phone": f"{phone[:3]}****{phone[-4:]}"}
    entry = (await console.query("""query($c: ID!) { auditLog(communityId: $c, action: "resident.update", first: 1) {
      nodes { before after actor { displayName } } } }""", c=str(demo_community.id)))["data"]["auditLog"]["nodes"][0]
    assert entry["before"]["displayName"] == person.display_name and entry["after"]["displayName"] == "李秀英"
    assert phone not in str(entry)  # even the audit log keeps phones masked


async def test_moving_a_building_to_another_grid_changes_what_the_grid_worker_sees(console, demo_community):
    grids = {g.name: g for g in await Grid.filter(community=demo_community)}
    second = next(g for name, g in grids.items() if name.startswith("第2网格"))
    building = await Building.filter(community=demo_community, grid=second).first()
    query = "query($c: ID!) { registryBuildings(communityId: $c) { id } }"
    await console.sign_in("grid")
    before = {b["id"] for b in (await console.query(query, c=str(demo_community.id)))["data"]["registryBuildings"]}
    assert str(building.id) not in before
    await console.sign_in("committee")
    first = next(g for name, g in grids.items() if name.startswith("第1网格"))
    moved = await console.query(
        "mutation($b: ID!, $g: ID!) { gridAssignBuilding(buildingId: $b, gridId: $g) { ok } }",
        b=str(building.id), g=str(first.id))
    assert moved["data"]["gridAssignBuilding"]["ok"] is True
    await console.sign_in("grid")
    after = {b["id"] for b in (await console.query(query, c=str(demo_community.id)))["data"]["registryBuildings"]}
    assert str(building.id) in after
    building.grid_id = second.id  # put it back for the other tests
    await building.save()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 32), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


async def test_a_proof_photo_is_stripped_upright_and_only_reachable_by_signed_link(api, console, make_person,
                                                                                 make_community):
    place = await make_community()  # its own verification queue
    committee = await make_person(place.community.id, ["COMMITTEE_STAFF"])
    applicant = await make_person(place.community.id, [])
    await api.sign_in(applicant.handle)
    uploaded = await api.http.post("/uploads", params={"kind": "proof_photo"},
                                   headers={"authorization": f"Bearer {api.token}"},
                                   files={"file": ("p.jpg", _jpeg_with_gps(), "image/jpeg")})
    assert uploaded.status_code == 200
    applied = await api.query("""mutation($c: ID!, $r: String!, $p: ID) { residenceApply(communityId: $c,
      roomCode: $r, role: OWNER, proofUploadId: $p) { application { id } errors { code } } }""",
                              c=str(place.community.id), r=place.rooms[0].code, p=uploaded.json()["id"])
    assert applied["data"]["residenceApply"]["errors"] == []

    await console.sign_in(committee.handle)
    queue = (await console.query("""query($c: ID!) { residenceApplications(communityId: $c, status: PENDING,
      first: 50) { nodes { id proofUrl } } }""", c=str(place.community.id)))["data"]["residenceApplications"]["nodes"]
    [url] = [n["proofUrl"] for n in queue if n["id"] == applied["data"]["residenceApply"]["application"]["id"]]
    photo = await console.http.get(url)
    assert photo.status_code == 200
    with Image.open(io.BytesIO(photo.content)) as image:
        assert image.size == (32, 64)  # turned upright
        assert not image.getexif() and "exif" not in image.info
    tampered = await console.http.get(url.replace("sig=", "sig=0"))
    assert tampered.status_code == 403


async def test_files_that_are_not_images_are_refused(api):
    await api.sign_in("resident")
    for payload in (b"<?php system($_GET['c']); ?>", _jpeg_with_gps()[:200]):
        response = await api.http.post("/uploads", params={"kind": "proof_photo"},
                                       headers={"authorization": f"Bearer {api.token}"},
                                       files={"file": ("x.jpg", payload, "image/jpeg")})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "file"
