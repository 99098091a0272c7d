"""Sign-in by WeChat, Firebase and SMS code, and binding a phone number from WeChat."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import structlog

from backend.accounts import firebase, wechat
from backend.accounts.models import FirebaseAccount, SmsChallenge, StaffCredential, WechatAccount
from backend.accounts.service import Tokens, check_length, revoke_all_sessions, start_session
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.runtime import runtime
from backend.core.sms import SmsError, SmsTemplate, sms
from backend.people.consent import has_consented
from backend.people.models import Person
from backend.registry.models import Membership

log = structlog.get_logger("linli.signin")
PHONE = re.compile(r"^1\d{10}$")
SMS_TTL = timedelta(minutes=5)
SMS_MAX_ATTEMPTS = 5


async def login_wechat(*, code: str, user_agent: str = "") -> Tokens:
    check_length(code, "code", 128)
    session = await wechat.code_to_session(code)
    async with transaction() as tx:
        account = await WechatAccount.filter(openid=session.openid).select_for_update().using_db(tx).first()
        if account is None:
            person = await Person.create(display_name="微信用户", using_db=tx)
            account = await WechatAccount.create(
                person=person, openid=session.openid, unionid=session.unionid,
                session_key_encrypted=crypto.encrypt(session.session_key), using_db=tx,
            )
        else:
            account.session_key_encrypted = crypto.encrypt(session.session_key)
            await account.save(using_db=tx, update_fields=["session_key_encrypted"])
        return await start_session(tx, account.person_id, "wechat", user_agent)


@dataclass(frozen=True)
class PhoneBinding:
    person: Person
    tokens: Tokens | None  # new tokens when the phone joined this WeChat user to their registry record


async def bind_phone_from_wechat(actor: Actor, *, code: str, user_agent: str = "") -> PhoneBinding:
    """The number from the getPhoneNumber button. When the committee already registered a resident
    with this number (一次采集、多方使用), this WeChat user becomes that resident."""
    me = actor.require_self("请本人绑定手机号")
    check_length(code, "code", 128)
    if not await has_consented(me):
        raise DomainError(ErrorCode.INVALID_INPUT, "请先阅读并同意隐私政策", field="consent")
    phone = await wechat.phone_number(code)
    async with transaction() as tx:
        owner = await Person.filter(phone_lookup__in=crypto.lookup_hashes(phone)).select_for_update() \
            .using_db(tx).first()
        if owner is None or owner.id == me:
            person = await Person.filter(id=me).using_db(tx).get()
            person.set_phone(phone)
            await person.save(using_db=tx, update_fields=["phone_encrypted", "phone_lookup", "phone_last4"])
            return PhoneBinding(person, None)
        if await WechatAccount.filter(person_id=owner.id).using_db(tx).exists() or \
                await Membership.filter(person_id=me).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "该手机号已绑定其他账号，请联系居委会", field="code")
        await WechatAccount.filter(person_id=me).using_db(tx).update(person_id=owner.id)
        tokens = await start_session(tx, owner.id, "wechat", user_agent)
    await revoke_all_sessions(me, reason="merged")
    await Person.filter(id=me).delete()
    return PhoneBinding(owner, tokens)


async def login_firebase(*, id_token: str, user_agent: str = "") -> Tokens:
    check_length(id_token, "idToken", 4096)
    identity = await firebase.verify_firebase_token(id_token)
    async with transaction() as tx:
        account = await FirebaseAccount.filter(uid=identity.uid).using_db(tx).first()
        if account is None:
            name = (identity.email or "").split("@")[0][:32] or "App 用户"
            person = await Person.create(display_name=name, using_db=tx)
            account = await FirebaseAccount.create(person=person, uid=identity.uid, using_db=tx)
        return await start_session(tx, account.person_id, "firebase", user_agent)


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(crypto.lookup_hash(phone).encode(), code.encode(), hashlib.sha256).hexdigest()


async def request_sms_code(*, phone: str) -> None:
    """Staff sign-in code. Answers the same whether or not the number is a staff member's."""
    phone = phone.strip()
    if not PHONE.match(phone):
        raise DomainError(ErrorCode.INVALID_INPUT, "请输入 11 位手机号", field="phone")
    lookup = crypto.lookup_hash(phone)
    if not await runtime().ratelimit.allow(f"sms:{lookup}", capacity=3, per_second=1 / 60):
        raise DomainError(ErrorCode.RATE_LIMITED, "验证码发送过于频繁，请稍后再试", field="phone")
    person = await Person.filter(phone_lookup__in=crypto.lookup_hashes(phone)).first()
    if person is None or not await StaffCredential.filter(person_id=person.id).exists():
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = await SmsChallenge.create(phone_lookup=lookup, code_hash=_code_hash(phone, code),
                                          expires_at=clock.now() + SMS_TTL)
    try:
        await sms.send(phone, SmsTemplate.SIGN_IN_CODE, [code, str(SMS_TTL.seconds // 60)])
    except SmsError as exc:
        await challenge.delete()  # never sent: the code sent before stays the one that works
        if exc.rate_limited:  # answered like any number: a refusal here would tell that it is a staff member's
            log.warning("sms.sign_in_code.rate_limited", provider_code=exc.code)
            return
        raise DomainError(ErrorCode.NOT_AVAILABLE, "短信暂时无法发送，请改用密码登录或稍后再试", field="phone") from exc


async def login_sms(*, phone: str, code: str, user_agent: str = "") -> Tokens:
    phone, code = phone.strip(), code.strip()
    if not PHONE.match(phone) or not re.fullmatch(r"\d{6}", code):
        raise DomainError(ErrorCode.INVALID_INPUT, "请输入手机号和 6 位验证码", field="code")
    lookup = crypto.lookup_hash(phone)
    failure = DomainError(ErrorCode.INVALID_CREDENTIALS, "验证码错误或已过期", field="code")
    async with transaction() as tx:
        challenge = await SmsChallenge.filter(phone_lookup=lookup, used_at=None, expires_at__gt=clock.now()) \
            .order_by("-id").select_for_update().using_db(tx).first()
        if challenge is None or challenge.attempts >= SMS_MAX_ATTEMPTS:
            raise failure
        if not hmac.compare_digest(challenge.code_hash, _code_hash(phone, code)):
            challenge.attempts += 1
            await challenge.save(using_db=tx, update_fields=["attempts"])
        else:
            challenge.used_at = clock.now()
            await challenge.save(using_db=tx, update_fields=["used_at"])
            person = await Person.filter(phone_lookup__in=crypto.lookup_hashes(phone)).using_db(tx).get()
            return await start_session(tx, person.id, "sms", user_agent)
    raise failure
