"""Volunteering (志愿服务): teams, activities, sign-ups with the waitlist, QR check-in and check-out,
the review of hours and certificates. Who may do what is the service's (backend/volunteering)."""

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.volunteering import attendance, certificates, review, service, signups
from backend.volunteering.models import ActivityState as ActivityStateEnum
from backend.volunteering.models import SignupState as SignupStateEnum
from backend.volunteering.models import VolunteerSignup as SignupModel

VolunteerActivityState = strawberry.enum(ActivityStateEnum, name="VolunteerActivityState")
VolunteerSignupState = strawberry.enum(SignupStateEnum, name="VolunteerSignupState")


@strawberry.enum(description="What a check-in QR code is for.")
class CheckinPurpose(Enum):
    CHECK_IN = "CHECK_IN"
    CHECK_OUT = "CHECK_OUT"


@strawberry.type
class VolunteerCoordinator:
    id: strawberry.ID
    name: str


@strawberry.type(description="A volunteer team (志愿队伍) and its coordinators.")
class VolunteerTeam:
    id: strawberry.ID
    name: str
    description: str
    coordinators: list[VolunteerCoordinator]

    @classmethod
    def of(cls, team, people) -> "VolunteerTeam":
        return cls(id=strawberry.ID(str(team.id)), name=team.name, description=team.description,
                   coordinators=[VolunteerCoordinator(id=strawberry.ID(str(p.id)), name=p.display_name)
                                 for p in people])


@strawberry.type(description="A volunteer activity (志愿活动).")
class VolunteerActivity:
    id: strawberry.ID
    team_id: strawberry.ID
    team_name: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str = strawberry.field(description="Where, by name: the estate, the building or the text.")
    estate_id: strawberry.ID | None
    building_id: strawberry.ID | None
    place_text: str
    capacity: int
    skills: list[str]
    points_per_hour: int
    state: VolunteerActivityState
    cancel_reason: str | None

    @classmethod
    def of(cls, a) -> "VolunteerActivity":
        return cls(id=strawberry.ID(str(a.id)), team_id=strawberry.ID(str(a.team_id)), team_name=a.team.name,
                   title=a.title, description=a.description, starts_at=a.starts_at, ends_at=a.ends_at,
                   place=service.place_name(a), estate_id=_id(a.estate_id), building_id=_id(a.building_id),
                   place_text=a.place_text, capacity=a.capacity, skills=list(a.skills),
                   points_per_hour=a.points_per_hour, state=a.state, cancel_reason=a.cancel_reason)


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value else None


@strawberry.type(description="A person's place on an activity, their attendance and review.")
class VolunteerSignup:
    id: strawberry.ID
    activity_id: strawberry.ID
    state: VolunteerSignupState
    position: int
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    computed_minutes: int | None = strawberry.field(description="Check-out less check-in within the window.")
    approved_minutes: int | None
    points: int | None
    reject_reason: str | None
    activity_title: str | None = strawberry.field(description="In my sign-ups and the approvals list.")
    activity: VolunteerActivity | None = strawberry.field(description="In my sign-ups only.")
    person_id: strawberry.ID | None = strawberry.field(description="For staff only.")
    person_name: str | None = strawberry.field(description="For staff only.")
    no_show_count: int | None = strawberry.field(description="The person's no-shows in the community; staff only.")

    @classmethod
    def of(cls, s: SignupModel, *, activity=None, title: str | None = None, person=None,
           no_shows: int | None = None) -> "VolunteerSignup":
        return cls(id=strawberry.ID(str(s.id)), activity_id=strawberry.ID(str(s.activity_id)), state=s.state,
                   position=s.position, checked_in_at=s.checked_in_at, checked_out_at=s.checked_out_at,
                   computed_minutes=s.computed_minutes, approved_minutes=s.approved_minutes, points=s.points,
                   reject_reason=s.reject_reason, activity_title=title,
                   activity=VolunteerActivity.of(activity) if activity else None,
                   person_id=_id(person.id) if person else None, person_name=person.display_name if person else None,
                   no_show_count=no_shows)


@strawberry.type
class VolunteerCheckinCode:
    token: str
    expires_at: datetime
    qr_text: str = strawberry.field(description="What the QR code holds: linli:checkin:<token>.")


@strawberry.type(description="A certificate of volunteer service (志愿服务记录证明).")
class VolunteerCertificate:
    id: strawberry.ID
    code: str
    organisation: str
    total_minutes: int
    record_count: int
    issued_at: datetime
    pdf_url: str
    verify_url: str

    @classmethod
    def of(cls, c) -> "VolunteerCertificate":
        return cls(id=strawberry.ID(str(c.id)), code=c.code, organisation=c.organisation,
                   total_minutes=c.total_minutes, record_count=len(c.records), issued_at=c.issued_at,
                   pdf_url=f"/certificates/{c.id}.pdf", verify_url=certificates.verify_url(c.code))


@strawberry.type(description="What anyone may learn from a verification code.")
class VolunteerCertificateCheck:
    valid: bool
    masked_name: str | None
    organisation: str | None
    total_minutes: int | None
    issued_at: datetime | None


@strawberry.type
class VolunteerTeamConnection(Counted):
    nodes: list[VolunteerTeam]
    page_info: PageInfo


@strawberry.type
class VolunteerActivityConnection(Counted):
    nodes: list[VolunteerActivity]
    page_info: PageInfo


@strawberry.type
class VolunteerSignupConnection(Counted):
    nodes: list[VolunteerSignup]
    page_info: PageInfo


@strawberry.type
class VolunteerCertificateConnection(Counted):
    nodes: list[VolunteerCertificate]
    page_info: PageInfo


@strawberry.type
class VolunteerTeamPayload:
    team: VolunteerTeam | None
    errors: list[UserError]


@strawberry.type
class VolunteerActivityPayload:
    activity: VolunteerActivity | None
    errors: list[UserError]


@strawberry.type
class VolunteerSignupPayload:
    signup: VolunteerSignup | None
    errors: list[UserError]


@strawberry.type
class VolunteerCertificatePayload:
    certificate: VolunteerCertificate | None
    errors: list[UserError]


@strawberry.input
class VolunteerActivityInput:
    title: str
    description: str | None = None
    starts_at: datetime
    ends_at: datetime
    estate_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = None
    place_text: str | None = None
    capacity: int
    skills: list[str] | None = None
    points_per_hour: int = 0

    def arguments(self) -> dict:
        return {"title": self.title, "description": self.description, "starts_at": self.starts_at,
                "ends_at": self.ends_at, "estate_id": parse_uuid(self.estate_id) if self.estate_id else None,
                "building_id": parse_uuid(self.building_id) if self.building_id else None,
                "place_text": self.place_text, "capacity": self.capacity, "skills": self.skills,
                "points_per_hour": self.points_per_hour}


async def _team_payload(call) -> VolunteerTeamPayload:
    team, errors = await attempt(call)
    if team is None:
        return VolunteerTeamPayload(team=None, errors=errors)
    people = (await service.coordinators_of([team.id]))[team.id]
    return VolunteerTeamPayload(team=VolunteerTeam.of(team, people), errors=[])


async def _activity_payload(call) -> VolunteerActivityPayload:
    activity, errors = await attempt(call)
    if activity is not None:
        await activity.fetch_related("team", "estate", "building")
    return VolunteerActivityPayload(activity=VolunteerActivity.of(activity) if activity else None, errors=errors)


async def _signup_payload(call) -> VolunteerSignupPayload:
    signup, errors = await attempt(call)
    return VolunteerSignupPayload(signup=VolunteerSignup.of(signup) if signup else None, errors=errors)


@strawberry.type
class VolunteeringQueries:
    @strawberry.field(description="A community's volunteer teams: all for VOLUNTEER_MANAGE, one's own for a "
                      "coordinator; by name; first ≤ 50.")
    async def volunteer_teams(self, info: Info, community_id: strawberry.ID, search: str | None = None,
                              first: int = 20, after: str | None = None) -> VolunteerTeamConnection:
        page = await service.list_teams(info.context.actor, community_id=parse_uuid(community_id), search=search,
                                        first=first, after=after)
        people = await service.coordinators_of([t.id for t in page.items])
        return VolunteerTeamConnection(nodes=[VolunteerTeam.of(t, people[t.id]) for t in page.items],
                                       page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A community's activities, newest first: every one for VOLUNTEER_MANAGE, the "
                      "published and finished ones for its members, and a coordinator's own teams' ones; first ≤ 50.")
    async def volunteer_activities(self, info: Info, community_id: strawberry.ID,
                                   state: VolunteerActivityState | None = None, search: str | None = None,
                                   first: int = 20, after: str | None = None) -> VolunteerActivityConnection:
        page = await service.list_activities(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                             search=search, first=first, after=after)
        return VolunteerActivityConnection(nodes=[VolunteerActivity.of(a) for a in page.items],
                                           page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="One activity, for those who run it or, once published, the community's members.")
    async def volunteer_activity(self, info: Info, id: strawberry.ID) -> VolunteerActivity | None:
        from backend.volunteering import access

        activity, _ = await attempt(access.get_activity_for(info.context.actor, parse_uuid(id)))
        return VolunteerActivity.of(activity) if activity else None

    @strawberry.field(description="Who signed up for an activity, in order, with attendance and no-show counts; "
                      "for its managers and coordinators; first ≤ 50.")
    async def volunteer_roster(self, info: Info, activity_id: strawberry.ID,
                               state: VolunteerSignupState | None = None, first: int = 50,
                               after: str | None = None) -> VolunteerSignupConnection:
        page = await review.roster(info.context.actor, activity_id=parse_uuid(activity_id), state=state,
                                   first=first, after=after)
        return await _staff_signups(page)

    @strawberry.field(description="My sign-ups, newest first, with their activities (in person only); first ≤ 50.")
    async def my_signups(self, info: Info, first: int = 20, after: str | None = None) -> VolunteerSignupConnection:
        page = await signups.my_signups(info.context.actor, first=first, after=after)
        return VolunteerSignupConnection(nodes=[VolunteerSignup.of(s, activity=s.activity, title=s.activity.title)
                                                for s in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A fresh signed check-in or check-out code for an activity's QR, valid 60 s; for "
                      "its managers and coordinators.")
    async def volunteer_checkin_code(self, info: Info, activity_id: strawberry.ID,
                                     purpose: CheckinPurpose) -> VolunteerCheckinCode:
        token, expires = await attendance.checkin_code(info.context.actor, activity_id=parse_uuid(activity_id),
                                                       purpose=purpose.value)
        return VolunteerCheckinCode(token=token, expires_at=expires, qr_text=f"{attendance.QR_PREFIX}{token}")

    @strawberry.field(description="Checked-out sign-ups waiting for the review of their hours, of the activities "
                      "one runs, oldest first; first ≤ 50.")
    async def volunteer_approvals(self, info: Info, community_id: strawberry.ID, first: int = 20,
                                  after: str | None = None) -> VolunteerSignupConnection:
        page = await review.approvals(info.context.actor, community_id=parse_uuid(community_id), first=first,
                                      after=after)
        return await _staff_signups(page, titles=True)

    @strawberry.field(description="My certificates of volunteer service, newest first; first ≤ 50.")
    async def my_volunteer_certificates(self, info: Info, first: int = 20,
                                        after: str | None = None) -> VolunteerCertificateConnection:
        page = await certificates.mine(info.context.actor, first=first, after=after)
        return VolunteerCertificateConnection(nodes=[VolunteerCertificate.of(c) for c in page.items],
                                              page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="Whether a verification code is a certificate's (no sign-in needed): a masked "
                      "name, the organisation, total minutes and the issue date only.")
    async def volunteer_certificate_check(self, code: str) -> VolunteerCertificateCheck:
        found = await certificates.check(code)
        return VolunteerCertificateCheck(valid=found.valid, masked_name=found.masked_name,
                                         organisation=found.organisation, total_minutes=found.total_minutes,
                                         issued_at=found.issued_at)


async def _staff_signups(page, *, titles: bool = False) -> VolunteerSignupConnection:
    counts = {}
    if page.items:
        counts = await review.no_show_counts([s.person_id for s in page.items], page.items[0].community_id)
    nodes = [VolunteerSignup.of(s, person=s.person, no_shows=counts.get(s.person_id),
                                title=s.activity.title if titles else None) for s in page.items]
    return VolunteerSignupConnection(nodes=nodes, page_info=PageInfo.of(page), page=page)


@strawberry.type
class VolunteeringMutations:
    @strawberry.mutation(description="Create a volunteer team. Needs VOLUNTEER_MANAGE.")
    async def volunteer_team_create(self, info: Info, community_id: strawberry.ID, name: str,
                                    description: str | None = None) -> VolunteerTeamPayload:
        return await _team_payload(service.create_team(info.context.actor, community_id=parse_uuid(community_id),
                                                       name=name, description=description))

    @strawberry.mutation(description="Rename or redescribe a team. Needs VOLUNTEER_MANAGE.")
    async def volunteer_team_update(self, info: Info, id: strawberry.ID, name: str,
                                    description: str | None = None) -> VolunteerTeamPayload:
        return await _team_payload(service.update_team(info.context.actor, team_id=parse_uuid(id), name=name,
                                                       description=description))

    @strawberry.mutation(description="Make a volunteer coordinator (志愿者协调员) of the community a team's "
                         "coordinator. Needs VOLUNTEER_MANAGE.")
    async def volunteer_team_coordinator_add(self, info: Info, team_id: strawberry.ID,
                                             person_id: strawberry.ID) -> VolunteerTeamPayload:
        return await _team_payload(service.add_coordinator(info.context.actor, team_id=parse_uuid(team_id),
                                                           person_id=parse_uuid(person_id)))

    @strawberry.mutation(description="Remove a team's coordinator. Needs VOLUNTEER_MANAGE.")
    async def volunteer_team_coordinator_remove(self, info: Info, team_id: strawberry.ID,
                                                person_id: strawberry.ID) -> VolunteerTeamPayload:
        return await _team_payload(service.remove_coordinator(info.context.actor, team_id=parse_uuid(team_id),
                                                              person_id=parse_uuid(person_id)))

    @strawberry.mutation(description="A draft activity of a team one manages or coordinates.")
    async def volunteer_activity_create(self, info: Info, team_id: strawberry.ID,
                                        input: VolunteerActivityInput) -> VolunteerActivityPayload:
        return await _activity_payload(service.create_activity(info.context.actor, team_id=parse_uuid(team_id),
                                                               **input.arguments()))

    @strawberry.mutation(description="Edit a draft or published activity; more places promote the waitlisted.")
    async def volunteer_activity_update(self, info: Info, id: strawberry.ID,
                                        input: VolunteerActivityInput) -> VolunteerActivityPayload:
        return await _activity_payload(service.update_activity(info.context.actor, activity_id=parse_uuid(id),
                                                               **input.arguments()))

    @strawberry.mutation(description="Publish a draft activity: the community's residents see it and sign up.")
    async def volunteer_activity_publish(self, info: Info, id: strawberry.ID) -> VolunteerActivityPayload:
        return await _activity_payload(service.publish_activity(info.context.actor, activity_id=parse_uuid(id)))

    @strawberry.mutation(description="Cancel an activity with a reason; those signed up are told.")
    async def volunteer_activity_cancel(self, info: Info, id: strawberry.ID, reason: str) -> VolunteerActivityPayload:
        return await _activity_payload(service.cancel_activity(info.context.actor, activity_id=parse_uuid(id),
                                                               reason=reason))

    @strawberry.mutation(description="Sign up in person: a place, or the waitlist when full.")
    async def volunteer_signup(self, info: Info, activity_id: strawberry.ID) -> VolunteerSignupPayload:
        return await _signup_payload(signups.sign_up(info.context.actor, activity_id=parse_uuid(activity_id)))

    @strawberry.mutation(description="Cancel my sign-up before the start; the first waitlisted takes the place.")
    async def volunteer_signup_cancel(self, info: Info, signup_id: strawberry.ID) -> VolunteerSignupPayload:
        return await _signup_payload(signups.cancel_signup(info.context.actor, signup_id=parse_uuid(signup_id)))

    @strawberry.mutation(description="Check in by the scanned QR token (or its linli:checkin: text); `activityId`, "
                         "when given, must be the code's.")
    async def volunteer_check_in(self, info: Info, token: str,
                                 activity_id: strawberry.ID | None = None) -> VolunteerSignupPayload:
        return await _signup_payload(attendance.check_in(
            info.context.actor, token=token, activity_id=parse_uuid(activity_id) if activity_id else None))

    @strawberry.mutation(description="Check out by the scanned QR token; the minutes are computed.")
    async def volunteer_check_out(self, info: Info, token: str,
                                  activity_id: strawberry.ID | None = None) -> VolunteerSignupPayload:
        return await _signup_payload(attendance.check_out(
            info.context.actor, token=token, activity_id=parse_uuid(activity_id) if activity_id else None))

    @strawberry.mutation(description="Approve someone else's hours (at most the computed minutes): credits hours "
                         "and points. A coordinator of the team or VOLUNTEER_MANAGE.")
    async def volunteer_hours_approve(self, info: Info, signup_id: strawberry.ID,
                                      minutes: int) -> VolunteerSignupPayload:
        return await _signup_payload(review.approve(info.context.actor, signup_id=parse_uuid(signup_id),
                                                    minutes=minutes))

    @strawberry.mutation(description="Reject someone's hours with a reason.")
    async def volunteer_hours_reject(self, info: Info, signup_id: strawberry.ID, reason: str) -> VolunteerSignupPayload:
        return await _signup_payload(review.reject(info.context.actor, signup_id=parse_uuid(signup_id), reason=reason))

    @strawberry.mutation(description="Record that a signed-up person never checked in (after the end).")
    async def volunteer_no_show_mark(self, info: Info, signup_id: strawberry.ID) -> VolunteerSignupPayload:
        return await _signup_payload(review.mark_no_show(info.context.actor, signup_id=parse_uuid(signup_id)))

    @strawberry.mutation(description="Issue myself a certificate of my approved volunteer records in a community.")
    async def volunteer_certificate_issue(self, info: Info,
                                          community_id: strawberry.ID) -> VolunteerCertificatePayload:
        certificate, errors = await attempt(certificates.issue(info.context.actor,
                                                               community_id=parse_uuid(community_id)))
        return VolunteerCertificatePayload(certificate=VolunteerCertificate.of(certificate) if certificate else None,
                                           errors=errors)
