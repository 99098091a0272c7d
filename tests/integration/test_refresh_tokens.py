"""Refresh tokens rotate; a reused one signs the whole session out (it was copied)."""

import asyncio

from backend.accounts.models import AuthSession, RefreshToken
from backend.accounts.tokens import hash_refresh_token


async def refresh(api, token: str) -> dict:
    return (await api.op("TokenRefresh", refreshToken=token))["data"]["authTokenRefresh"]


async def test_refresh_rotates_the_token(api):
    first = await api.sign_in("elder")
    second = (await refresh(api, first["refreshToken"]))["tokens"]
    assert second["refreshToken"] != first["refreshToken"]
    third = await refresh(api, second["refreshToken"])
    assert third["errors"] == []


async def test_reusing_a_rotated_token_revokes_the_family(api):
    first = await api.sign_in("elder")
    second = (await refresh(api, first["refreshToken"]))["tokens"]

    reuse = await refresh(api, first["refreshToken"])  # a thief replays the stolen, rotated token
    assert reuse["tokens"] is None
    assert reuse["errors"][0]["code"] == "TOKEN_REUSED"

    # The legitimate holder's newer tokens die with the family, at once.
    assert (await refresh(api, second["refreshToken"]))["errors"][0]["code"] == "INVALID_TOKEN"
    viewer = await api.op("Viewer", token=second["accessToken"])
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_concurrent_refreshes_with_one_token_let_at_most_one_through(api):
    tokens = await api.sign_in("relative")
    results = await asyncio.gather(*(refresh(api, tokens["refreshToken"]) for _ in range(6)))
    winners = [r for r in results if r["tokens"]]
    assert len(winners) <= 1
    codes = [r["errors"][0]["code"] for r in results if r["errors"]]
    assert len(codes) == 6 - len(winners)
    # The first loser detects the reuse; the rest find the session already revoked.
    assert "TOKEN_REUSED" in codes and set(codes) <= {"TOKEN_REUSED", "INVALID_TOKEN"}
    # More than one presentation of the same token means it leaked: the session is over.
    row = await RefreshToken.get(token_hash=hash_refresh_token(tokens["refreshToken"]))
    session = await AuthSession.get(id=row.session_id)
    assert session.revoked_reason == "refresh_reuse"
    for winner in winners:
        assert (await refresh(api, winner["tokens"]["refreshToken"]))["errors"][0]["code"] == "INVALID_TOKEN"


async def test_garbage_refresh_token_changes_nothing(api):
    before = await RefreshToken.all().count()
    result = await refresh(api, "not-a-token")
    assert result["errors"][0]["code"] == "INVALID_TOKEN"
    assert await RefreshToken.all().count() == before
