"""Providers: applying with a licence, the operator's decisions, the admin's payout accounts, members
and communities; refusals change nothing."""

import io
import uuid

import pytest
from pypdf import PdfWriter

from backend.core.platform import PlatformMember, PlatformRole
from backend.services.models import Provider, ProviderMember
from tests.integration.services_helpers import verified_provider


def licence_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": "王经理"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def phone() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


async def upload_licence(client, data: bytes | None = None, name: str = "营业执照.pdf") -> str:
    response = await client.http.post("/uploads", params={"kind": "provider_licence"},
                                      headers={"authorization": f"Bearer {client.token}"},
                                      files={"file": (name, data or licence_pdf(), "application/pdf")})
    assert response.status_code == 200, response.text
    return response.json()["id"]


@pytest.fixture
async def place(make_community, make_person):
    made = await make_community()
    other = await make_community(name="另一社区")
    operator = await make_person(made.community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    applicant = await make_person(made.community.id, ["RESIDENT"], phone=phone())
    worker_phone = phone()
    worker = await make_person(made.community.id, [], phone=worker_phone)
    return made, other, operator, applicant, worker, worker_phone


def apply_input(licence: str, communities: list[str], **changes) -> dict:
    return {"name": "好邻居家政", "categories": ["HOUSEKEEPING", "LAUNDRY"], "contactName": "王经理",
            "contactPhone": "138 0000 1234", "licenceUploadId": licence, "communityIds": communities, **changes}


async def apply(api, place, **changes) -> dict:
    made, other, _, applicant, *_ = place
    await api.sign_in(applicant.handle)
    licence = await upload_licence(api)
    answer = await api.op("ProviderApply", input=apply_input(licence, [str(made.community.id),
                                                                        str(other.community.id)], **changes))
    return answer["data"]["providerApply"]


async def test_an_applicant_is_verified_then_sets_payout_and_adds_a_worker(api, console, place):
    made, other, operator, applicant, worker, worker_phone = place
    applied = await apply(api, place)
    assert applied["errors"] == []
    provider = applied["provider"]
    assert provider["state"] == "APPLIED" and provider["stateLabel"] == "待审核"
    assert provider["contactPhone"] == "138****1234"
    assert {c["name"] for c in provider["communities"]} == {made.community.name, other.community.name}
    licence = await api.http.get(provider["licenceUrl"])
    assert licence.status_code == 200 and licence.content.startswith(b"%PDF-")
    assert "王经理".encode("utf-16-be") not in licence.content and b"/Author" not in licence.content

    await console.sign_in(operator.handle)
    waiting = await console.op("ServiceProviders", state="APPLIED", search="好邻居", first=20)
    assert provider["id"] in [p["id"] for p in waiting["data"]["serviceProviders"]["nodes"]]
    decided = await console.op("ProviderDecide", providerId=provider["id"], approve=True)
    assert decided["data"]["providerDecide"]["provider"]["state"] == "VERIFIED"
    assert decided["data"]["providerDecide"]["provider"]["verifiedAt"] is not None

    await console.sign_in(applicant.handle)
    paid = await console.op("ProviderPayoutSet", providerId=provider["id"],
                            stripeAccountId="acct_1AbCdEfGhIjKlMnOp", wechatSubMchid="1900000109")
    assert paid["data"]["providerPayoutSet"]["errors"] == []
    added = await console.op("ProviderMemberAdd", providerId=provider["id"], phone=worker_phone, role="WORKER")
    assert added["data"]["providerMemberAdd"]["member"]["name"] == worker.display_name
    shown = (await console.op("ServiceProvider", id=provider["id"]))["data"]["serviceProvider"]
    assert shown["stripeAccountId"] == "acct_1AbCdEfGhIjKlMnOp" and shown["wechatSubMchid"] == "1900000109"
    assert [(m["name"], m["role"]) for m in shown["members"]] == [(applicant.display_name, "ADMIN"),
                                                                   (worker.display_name, "WORKER")]

    # The worker sees the provider they work for, without its licence, accounts or members.
    await api.sign_in(worker.handle)
    mine = (await api.op("MyProviders"))["data"]["myProviders"]
    assert [(m["provider"]["name"], m["role"]) for m in mine] == [("好邻居家政", "WORKER")]
    await console.sign_in(worker.handle)
    seen = (await console.op("ServiceProvider", id=provider["id"]))["data"]["serviceProvider"]
    assert seen["name"] == "好邻居家政" and seen["licenceUrl"] is None and seen["stripeAccountId"] is None
    assert seen["members"] == []


async def test_a_rejection_needs_a_note_and_is_shown_with_it(api, console, place):
    operator = place[2]
    provider = (await apply(api, place))["provider"]
    await console.sign_in(operator.handle)
    refused = (await console.op("ProviderDecide", providerId=provider["id"], approve=False, note="  "))
    assert refused["data"]["providerDecide"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "note", "message": "请填写未通过的原因"}]
    assert (await Provider.get(id=provider["id"])).state == "APPLIED"
    rejected = await console.op("ProviderDecide", providerId=provider["id"], approve=False, note="营业执照已过期")
    shown = rejected["data"]["providerDecide"]["provider"]
    assert (shown["state"], shown["stateLabel"], shown["decisionNote"]) == ("REJECTED", "未通过", "营业执照已过期")
    again = await console.op("ProviderDecide", providerId=provider["id"], approve=True)
    assert again["data"]["providerDecide"]["errors"][0]["message"] == "未通过的服务商不能审核"


async def test_only_an_operator_decides_suspends_and_reinstates(api, console, place):
    operator, applicant = place[2], place[3]
    provider = (await apply(api, place))["provider"]
    await console.sign_in(applicant.handle)  # its own admin is no operator
    for name, variables in (("ProviderDecide", {"approve": True}), ("ProviderSuspend", {"note": "违规"}),
                            ("ProviderReinstate", {})):
        answer = await console.op(name, providerId=provider["id"], **variables)
        payload = next(iter(answer["data"].values()))
        assert payload["provider"] is None and payload["errors"][0]["code"] == "FORBIDDEN", answer
    listed = await console.op("ServiceProviders", first=20)
    assert listed["data"] is None and listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Provider.get(id=provider["id"])).state == "APPLIED"

    await console.sign_in(operator.handle)
    await console.op("ProviderDecide", providerId=provider["id"], approve=True)
    suspended = await console.op("ProviderSuspend", providerId=provider["id"], note="多次投诉，暂停接单")
    assert suspended["data"]["providerSuspend"]["provider"]["stateLabel"] == "已暂停"
    reinstated = await console.op("ProviderReinstate", providerId=provider["id"], note="整改完成")
    assert reinstated["data"]["providerReinstate"]["provider"]["state"] == "VERIFIED"


async def test_bad_payout_ids_are_refused_and_change_nothing(console, make_person, make_community):
    made = await make_community()
    setup = await verified_provider(make_person, made.community, stripe_account_id="acct_1AbCdEfGhIjKlMnOp")
    await console.sign_in(setup.admin.handle)
    provider_id = str(setup.provider.id)
    for variables, field, message in (
            ({"stripeAccountId": "acct_123"}, "stripeAccountId", "Stripe 账户号须为 acct_ 加 16–32 位字母或数字"),
            ({"stripeAccountId": "acc_1AbCdEfGhIjKlMnOp"}, "stripeAccountId",
             "Stripe 账户号须为 acct_ 加 16–32 位字母或数字"),
            ({"wechatSubMchid": "19000a0109"}, "wechatSubMchid", "微信支付子商户号须为 8–10 位数字"),
            ({"wechatSubMchid": "1234567"}, "wechatSubMchid", "微信支付子商户号须为 8–10 位数字")):
        answer = await console.op("ProviderPayoutSet", providerId=provider_id, **variables)
        assert answer["data"]["providerPayoutSet"]["errors"] == [
            {"code": "INVALID_INPUT", "field": field, "message": message}]
    kept = await Provider.get(id=setup.provider.id)
    assert (kept.stripe_account_id, kept.wechat_sub_mchid) == ("acct_1AbCdEfGhIjKlMnOp", None)


async def test_a_bad_application_is_refused_and_creates_nothing(api, place, make_person):
    made, _, _, applicant, worker, _ = place
    await api.sign_in(worker.handle)
    someone_elses = await upload_licence(api)
    await api.sign_in(applicant.handle)
    licence = await upload_licence(api)
    community = [str(made.community.id)]
    for changes, field in (({"categories": []}, "categories"), ({"contactPhone": "1380000"}, "contactPhone"),
                           ({"name": "王"}, "name"), ({"licenceUploadId": someone_elses}, "licenceUploadId"),
                           ({"communityIds": [str(uuid.uuid4())]}, "communityIds"), ({"communityIds": []},
                                                                                    "communityIds")):
        answer = await api.op("ProviderApply", input=apply_input(licence, community, **changes))
        payload = answer["data"]["providerApply"]
        assert payload["provider"] is None and payload["errors"][0]["field"] == field, answer
    assert not await ProviderMember.filter(person_id=applicant.id).exists()
    # A second application while the first waits is refused.
    assert (await api.op("ProviderApply", input=apply_input(licence, community)))["data"]["providerApply"][
        "errors"] == []
    twice = await api.op("ProviderApply", input=apply_input(licence, community))
    assert twice["data"]["providerApply"]["errors"][0]["message"] == "您已有待审核的入驻申请，请等待平台审核"
    assert await ProviderMember.filter(person_id=applicant.id).count() == 1


async def test_a_licence_must_be_an_image_or_a_pdf(api, place):
    await api.sign_in(place[3].handle)
    response = await api.http.post("/uploads", params={"kind": "provider_licence"},
                                   headers={"authorization": f"Bearer {api.token}"},
                                   files={"file": ("营业执照.txt", "不是文件".encode(), "text/plain")})
    assert response.status_code == 400 and response.json()["errors"][0]["message"] == "文件不是有效的图片"


async def test_members_are_added_by_phone_and_the_last_admin_stays(console, make_person, make_community):
    made = await make_community()
    setup = await verified_provider(make_person, made.community)
    await console.sign_in(setup.admin.handle)
    provider_id = str(setup.provider.id)
    unknown = await console.op("ProviderMemberAdd", providerId=provider_id, phone=phone(), role="WORKER")
    assert unknown["data"]["providerMemberAdd"]["errors"][0]["code"] == "NOT_FOUND"
    admin = await ProviderMember.get(provider_id=setup.provider.id, person_id=setup.admin.id)
    alone = await console.op("ProviderMemberRemove", providerId=provider_id, memberId=str(admin.id))
    assert alone["data"]["providerMemberRemove"]["errors"][0]["message"] == "服务商至少要保留一名管理员"
    worker = await ProviderMember.get(provider_id=setup.provider.id, person_id=setup.worker.id)
    removed = await console.op("ProviderMemberRemove", providerId=provider_id, memberId=str(worker.id))
    assert removed["data"]["providerMemberRemove"]["errors"] == []
    shown = (await console.op("ServiceProvider", id=provider_id))["data"]["serviceProvider"]
    assert [m["name"] for m in shown["members"]] == [setup.admin.display_name]
    elsewhere = await make_community(name="新社区")
    served = await console.op("ProviderCommunitiesSet", providerId=provider_id,
                              communityIds=[str(elsewhere.community.id)])
    assert [c["name"] for c in served["data"]["providerCommunitiesSet"]["provider"]["communities"]] == [
        elsewhere.community.name]
