"""The result notice (结果公告): a draft notice holding a closed poll's result, made through the notices
domain for the staff to edit and publish there, to the poll's own scope. Drafting publishes nothing."""

from html import escape
from uuid import UUID

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.notices import service as notices
from backend.notices.models import Notice
from backend.voting.models import Poll
from backend.voting.models import PollState as S
from backend.voting.results import PollResult, results_of
from backend.voting.service import get_poll_for_staff
from backend.voting.tally import format_area

CATEGORY = "社区公告"


def _audience(poll: Poll) -> list[dict]:
    """The poll's scope as a notice audience (the same kinds: the community, or estates, buildings, grids)."""
    if poll.scope["kind"] == "COMMUNITY":
        return [{"kind": "COMMUNITY"}]
    return [{"kind": poll.scope["kind"], "ids": poll.scope["ids"]}]


def _body(poll: Poll, result: PollResult) -> str:
    def items(steps) -> str:
        return "".join(f"<li>{escape(s.text)}</li>" for s in steps)

    parts = [f"<p>「{escape(poll.title)}」投票已结束，结果如下。</p>",
             f"<p><strong>{escape(result.outcome)}</strong></p>", f"<ul>{items(result.steps)}</ul>"]
    if result.options:
        area = result.options[0].area_dm2 is not None  # owners' assemblies
        head = "<th>选项</th><th>票数</th>" + ("<th>专有部分面积</th>" if area else "")
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>" + "".join(
            f"<tr><td>{escape(o.label)}</td><td>{o.votes}</td>"
            + (f"<td>{format_area(o.area_dm2)}</td>" if area else "") + "</tr>" for o in result.options)
            + "</tbody></table>")
    for m in result.motions:
        parts.append(f"<h3>{escape(m.label)}：{'通过' if m.passed else '未通过'}</h3>"
                     f"<p>同意 {m.yes}，反对 {m.no}，弃权 {m.abstain}</p><ul>{items(m.steps)}</ul>")
    for q in result.questions:
        parts.append(f"<p>{escape(q.label)}：作答 {q.answers} 份</p>")
    parts.append("<p>每位投票人可凭回执码在小程序中核对自己的选票已计入公开的投票日志。</p>")
    return "".join(parts)


async def draft_result_notice(actor: Actor, *, poll_id: UUID) -> Notice:
    """Needs VOTE_MANAGE on the poll and NOTICE_PUBLISH (checked by notices); only once the poll is closed."""
    poll = await get_poll_for_staff(actor, poll_id)
    if poll.state not in (S.CLOSED, S.PUBLISHED):
        raise DomainError(ErrorCode.INVALID_INPUT, "投票截止后才能起草结果公告", field="id")
    [result] = await results_of(actor, [poll])
    return await notices.create_notice(actor, community_id=poll.community_id, draft=notices.NoticeDraft(
        title=f"投票结果公告：{poll.title}"[:100], body_html=_body(poll, result), category=CATEGORY,
        audience=_audience(poll)))
