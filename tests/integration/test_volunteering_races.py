"""The waitlist as a race on PostgreSQL: thirty residents sign up at once for ten places. The
activity row is locked for each sign-up, so exactly ten get a place and twenty wait, in the order
their sign-ups committed, and a cancellation hands the place to the first of them."""

import asyncio

from backend.volunteering.models import SignupState, VolunteerSignup
from tests.integration.volunteering_helpers import build_team, ok


async def test_30_concurrent_sign_ups_for_10_places_give_10_places_and_20_waitlisted_in_order(api, console,
                                                                                                 make_person):
    team = await build_team(api, console, make_person, volunteers=30, capacity=10)
    tokens = [(await api.sign_in(person.handle))["accessToken"] for person in team.volunteers]
    answers = await asyncio.gather(*(api.op("VolunteerSignup", token=token, activityId=team.activity_id)
                                     for token in tokens))
    states = [(await ok(answer, "volunteerSignup"))["signup"]["state"] for answer in answers]
    assert states.count("SIGNED_UP") == 10 and states.count("WAITLISTED") == 20

    rows = await VolunteerSignup.filter(activity_id=team.activity_id).order_by("position")
    assert [r.position for r in rows] == list(range(30))  # one place in the queue each, no gaps
    assert [r.state for r in rows] == [SignupState.SIGNED_UP] * 10 + [SignupState.WAITLISTED] * 20

    first_waiting = rows[10]
    leaving = rows[3]
    owner = next(p for p in team.volunteers if p.id == leaving.person_id)
    await api.sign_in(owner.handle)
    await ok(await api.op("VolunteerSignupCancel", signupId=str(leaving.id)), "volunteerSignupCancel")
    await first_waiting.refresh_from_db()
    assert first_waiting.state == SignupState.SIGNED_UP
    assert await VolunteerSignup.filter(activity_id=team.activity_id, state=SignupState.SIGNED_UP).count() == 10
