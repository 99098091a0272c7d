"""A resident's cases as personal data: their data export holds the cases raised for them, what they
wrote on them, their ratings and their photos' references; erasing them wipes their text, photos and
words while the cases stay, with their states, ratings and the handlers' own entries, for the
community's record."""

import json
import uuid

from backend.cases.models import Case, CaseConfirmation, CaseEntry, CaseEvent
from backend.cases.personal import ERASED_TEXT
from backend.media.models import Upload
from tests.integration.case_helpers import categories


async def _a_case_with_its_loop(api, console, make_community, make_person) -> tuple:
    """A resident raises a case with a photo, answers a question, and says the fix was partial."""
    place = await make_community()
    me = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0],
                           phone=f"187{uuid.uuid4().int % 10**8:08d}")
    committee = await make_person(place.community.id, ["COMMITTEE_STAFF"])
    made = await categories(committee.id, place.community.id)
    photo = await Upload.create(owner=me, kind="case_photo", content_type="image/jpeg", size=1,
                                sha256=uuid.uuid4().hex * 2, filename="leak.jpg")
    await api.sign_in(me.handle)
    raised = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(made["其他"].id), "text": "我家厨房水管漏水，电话找我", "photos": [str(photo.id)],
        "place": {"roomId": str(place.rooms[0].id)}})
    case_id = raised["data"]["caseRaise"]["case"]["id"]
    await console.sign_in(committee.handle)
    await console.op("CaseAsk", id=case_id, question="请问哪天在家？")
    await api.op("CaseAnswer", id=case_id, body="周六上午在家")
    await console.op("CaseAccept", id=case_id)
    await console.op("CaseResolve", id=case_id, note="已更换水管接头")
    confirmed = await api.op("CaseConfirm", id=case_id, input={"outcome": "PARTLY", "rating": 2,
                                                                "comment": "还在滴水", "reason": "阀门还在漏"})
    assert confirmed["data"]["caseConfirm"]["errors"] == []
    return me, case_id, str(photo.id)


async def test_my_data_export_holds_my_cases_what_i_wrote_and_my_photos(api, console, make_community, make_person):
    me, case_id, photo_id = await _a_case_with_its_loop(api, console, make_community, make_person)
    await api.sign_in(me.handle)
    data = (await api.query("{ myDataExport }"))["data"]["myDataExport"]
    exported = data if isinstance(data, dict) else json.loads(data)
    [case] = exported["cases"]
    assert (case["id"], case["text"], case["photos"], case["forMe"]) == (
        case_id, "我家厨房水管漏水，电话找我", [photo_id], True)
    assert [(e["kind"], e["body"]) for e in exported["caseEntries"]] == [
        ("ANSWER", "周六上午在家"), ("CONFIRM", "部分解决，2 星：还在滴水")]
    assert [(c["outcome"], c["rating"], c["comment"]) for c in exported["caseConfirmations"]] == [
        ("PARTLY", 2, "还在滴水")]


async def test_erasing_me_anonymises_my_cases_and_keeps_them_for_the_community(api, console, make_community,
                                                                               make_person):
    me, case_id, _ = await _a_case_with_its_loop(api, console, make_community, make_person)
    await api.sign_in(me.handle)
    code = (await api.op("PrivacyEraseCodeRequest"))["data"]["privacyEraseCodeRequest"]["code"]
    assert (await api.op("PrivacyEraseMe", code=code))["data"]["privacyEraseMe"] == {"ok": True, "errors": []}

    case = await Case.get(id=case_id)
    assert (case.text, case.photos, case.state, case.resident_id) == (ERASED_TEXT, [], "IN_PROGRESS", me.id)
    assert await CaseConfirmation.filter(case_id=case_id).values_list("rating", "comment") == [(2, "")]
    entries = dict(await CaseEntry.filter(case_id=case_id, kind__in=["QUESTION", "ANSWER", "CONFIRM"])
                   .values_list("kind", "body"))
    assert entries == {"QUESTION": "请问哪天在家？", "ANSWER": ERASED_TEXT, "CONFIRM": ERASED_TEXT}
    reasons = await CaseEvent.filter(case_id=case_id).order_by("id").values_list("to_state", "reason")
    assert ("RESOLVED", "已更换水管接头") in reasons and ("IN_PROGRESS", ERASED_TEXT) in reasons
    assert not any("阀门" in (r or "") for _, r in reasons)
