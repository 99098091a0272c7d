"""Sign-in by WeChat, Firebase and SMS; sessions; consent, personal data and erasure; registry import."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.accounts import service as accounts
from backend.accounts import signin
from backend.api.accounts import AuthPayload, AuthTokens, user_agent
from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.jobs import StaffJob, StaffJobPayload
from backend.api.people import OkPayload
from backend.api.registry import PersonalField
from backend.people import masking
from backend.privacy import service as privacy
from backend.registry import importer


@strawberry.type
class EraseCodePayload:
    code: str | None = strawberry.field(description="Six digits the person types back to confirm.")
    expires_at: datetime | None
    errors: list[UserError]


@strawberry.type
class PhoneBindPayload:
    phone: str | None = strawberry.field(description="Masked.")
    tokens: AuthTokens | None = strawberry.field(
        description="Set when this phone joined me to the resident record the committee already had: "
        "sign in again with these."
    )
    errors: list[UserError]


@strawberry.type
class UnmaskPayload:
    value: str | None
    errors: list[UserError]


@strawberry.type
class ImportRowError:
    row: int
    column: str
    message: str


@strawberry.type
class ImportReport:
    total_rows: int
    valid_rows: int
    imported_rows: int
    errors: list[ImportRowError]


@strawberry.type
class ImportPayload:
    report: ImportReport | None
    errors: list[UserError]


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(description="Mini-program sign-in with the code from wx.login.")
    async def auth_wechat_login(self, info: Info, code: str) -> AuthPayload:
        tokens, errors = await attempt(signin.login_wechat(code=code, user_agent=user_agent(info)))
        return AuthPayload(tokens=AuthTokens.of(tokens), errors=errors)

    @strawberry.mutation(description="Bind my phone from the getPhoneNumber button's code. Needs consent first.")
    async def auth_wechat_phone_bind(self, info: Info, code: str) -> PhoneBindPayload:
        binding, errors = await attempt(
            signin.bind_phone_from_wechat(info.context.actor, code=code, user_agent=user_agent(info))
        )
        return PhoneBindPayload(
            phone=masking.masked_phone(binding.person) if binding else None,
            tokens=AuthTokens.of(binding.tokens) if binding else None, errors=errors,
        )

    @strawberry.mutation(description="App sign-in with a Firebase ID token.")
    async def auth_firebase_login(self, info: Info, id_token: str) -> AuthPayload:
        tokens, errors = await attempt(signin.login_firebase(id_token=id_token, user_agent=user_agent(info)))
        return AuthPayload(tokens=AuthTokens.of(tokens), errors=errors)

    @strawberry.mutation(description="Send a staff sign-in code by SMS (the answer never says whether the "
                         "number is known).")
    async def auth_sms_code_request(self, phone: str) -> OkPayload:
        _, errors = await attempt(signin.request_sms_code(phone=phone))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Staff sign-in with the SMS code.")
    async def auth_sms_login(self, info: Info, phone: str, code: str) -> AuthPayload:
        tokens, errors = await attempt(signin.login_sms(phone=phone, code=code, user_agent=user_agent(info)))
        return AuthPayload(tokens=AuthTokens.of(tokens), errors=errors)

    @strawberry.mutation(description="Sign out one of my devices, or (SESSION_REVOKE) a resident's.")
    async def session_revoke(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(accounts.revoke_session(info.context.actor, session_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Accept the privacy notice (before any phone, photo or location is taken).")
    async def privacy_consent_record(self, info: Info, version: str, channel: str) -> OkPayload:
        _, errors = await attempt(privacy.record_consent(info.context.actor, version=version, channel=channel))
        return OkPayload.of(errors)

    @strawberry.mutation(description="See a resident's full phone or ID number. Needs PERSONAL_DATA_UNMASK and a "
                         "reason; written to the access log.")
    async def personal_data_unmask(self, info: Info, person_id: strawberry.ID, field: PersonalField,
                                   reason: str) -> UnmaskPayload:
        value, errors = await attempt(privacy.unmask(info.context.actor, person_id=parse_uuid(person_id),
                                                     field=field.value, reason=reason))
        return UnmaskPayload(value=value, errors=errors)

    @strawberry.mutation(description="A one-time code to confirm erasing me, to show in the app and type back "
                         "into privacyEraseMe within 10 minutes. Refused (FORBIDDEN) while I hold a staff role.")
    async def privacy_erase_code_request(self, info: Info) -> EraseCodePayload:
        issued, errors = await attempt(privacy.request_erase_code(info.context.actor))
        return EraseCodePayload(code=issued.code if issued else None,
                                expires_at=issued.expires_at if issued else None, errors=errors)

    @strawberry.mutation(description="Erase me, confirmed with the code of privacyEraseCodeRequest: personal data "
                         "wiped, all sign-ins ended; ledger and votes kept. Refused while I hold a staff role.")
    async def privacy_erase_me(self, info: Info, code: str) -> OkPayload:
        _, errors = await attempt(privacy.erase_me(info.context.actor, code=code))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Import residents from an uploaded workbook. Needs REGISTRY_IMPORT. With bad "
                         "rows nothing is imported unless onlyValidRows.")
    async def registry_import(self, info: Info, community_id: strawberry.ID, upload_id: strawberry.ID,
                              dry_run: bool = True, only_valid_rows: bool = False) -> ImportPayload:
        report, errors = await attempt(importer.import_residents(
            info.context.actor, community_id=parse_uuid(community_id), upload_id=parse_uuid(upload_id),
            dry_run=dry_run, only_valid_rows=only_valid_rows,
        ))
        return ImportPayload(report=ImportReport(
            total_rows=report.total_rows, valid_rows=report.valid_rows, imported_rows=report.imported_rows,
            errors=[ImportRowError(row=e.row, column=e.column, message=e.message) for e in report.errors[:500]],
        ) if report else None, errors=errors)

    @strawberry.mutation(description="Import residents from an uploaded workbook as a job: poll staffJob for its "
                         "progress and, when done, its report. Needs REGISTRY_IMPORT. With bad rows nothing is "
                         "imported unless onlyValidRows.")
    async def registry_import_start(self, info: Info, community_id: strawberry.ID, upload_id: strawberry.ID,
                                    only_valid_rows: bool = False) -> StaffJobPayload:
        job, errors = await attempt(importer.start_import(
            info.context.actor, community_id=parse_uuid(community_id), upload_id=parse_uuid(upload_id),
            only_valid_rows=only_valid_rows))
        return StaffJobPayload(job=StaffJob.of(job) if job else None, errors=errors)
