"""A community of the test's own with a committee member, a coordinator running a team and
volunteers, and one published activity starting in an hour: built through the operations."""

from dataclasses import dataclass
from datetime import timedelta

from backend.core.clock import clock
from backend.people.models import Person
from tests.integration.conftest import build_community


@dataclass
class Team:
    community: object
    committee: Person
    coordinator: Person
    volunteers: list[Person]
    team_id: str
    activity_id: str


async def ok(response: dict, field: str) -> dict:
    assert "errors" not in response, response
    payload = response["data"][field]
    assert payload["errors"] == [], payload
    return payload


async def build_team(api, console, make_person, *, volunteers: int = 1, capacity: int = 10,
                     points_per_hour: int = 10, minutes: int = 120) -> Team:
    made = await build_community(buildings=1, rooms=1)
    community = made.community
    committee = await make_person(community.id, ["COMMITTEE_STAFF"])
    coordinator = await make_person(community.id, ["RESIDENT", "VOLUNTEER_COORDINATOR"])
    people = [await make_person(community.id, ["RESIDENT"]) for _ in range(volunteers)]
    await console.sign_in(committee.handle)
    team = await ok(await console.op("VolunteerTeamCreate", communityId=str(community.id), name="阳光志愿服务队",
                                     description="关爱老人"), "volunteerTeamCreate")
    team_id = team["team"]["id"]
    await ok(await console.op("VolunteerTeamCoordinatorAdd", teamId=team_id, personId=str(coordinator.id)),
             "volunteerTeamCoordinatorAdd")
    await console.sign_in(coordinator.handle)
    starts = clock.now() + timedelta(hours=1)
    created = await ok(await console.op("VolunteerActivityCreate", teamId=team_id, input={
        "title": "敬老院陪伴", "description": "陪老人聊天", "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(minutes=minutes)).isoformat(), "buildingId": str(made.buildings[0].id),
        "capacity": capacity, "skills": ["陪伴"], "pointsPerHour": points_per_hour}), "volunteerActivityCreate")
    activity_id = created["activity"]["id"]
    await ok(await console.op("VolunteerActivityPublish", id=activity_id), "volunteerActivityPublish")
    return Team(community=community, committee=committee, coordinator=coordinator, volunteers=people,
                team_id=team_id, activity_id=activity_id)


async def qr(console, team: Team, purpose: str, activity_id: str | None = None) -> str:
    await console.sign_in(team.coordinator.handle)
    response = await console.op("VolunteerCheckinCode", activityId=activity_id or team.activity_id, purpose=purpose)
    assert "errors" not in response, response
    code = response["data"]["volunteerCheckinCode"]
    assert code["qrText"] == f"linli:checkin:{code['token']}"
    return code["qrText"]
