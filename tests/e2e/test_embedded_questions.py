"""Policy Q&A suggestions on the embedded default (SQLite, FTS5 with the trigram tokenizer): the same
Chinese matching the PostgreSQL tests prove on our own bigram index (tests/integration/test_consult.py)."""

import httpx

from tests.e2e.test_embedded_smoke import persisted

WATER = "停水通知什么时候恢复"


def test_a_typed_question_suggests_the_answered_one_like_it_on_sqlite(embedded_server):
    def op(client: str, name: str, token: str, **variables) -> dict:
        body = {"documentId": persisted(client, name), "variables": variables}
        answer = http.post("/graphql", json=body, headers={"authorization": f"Bearer {token}"}).json()
        assert "errors" not in answer, answer
        return answer["data"]

    def sign_in(handle: str) -> str:
        body = {"documentId": persisted("mini_program", "DemoLogin"), "variables": {"handle": handle}}
        return http.post("/graphql", json=body).json()["data"]["authDemoLogin"]["tokens"]["accessToken"]

    with httpx.Client(base_url=embedded_server) as http:
        resident, elder, staff = sign_in("resident"), sign_in("elder"), sign_in("committee")
        community = op("mini_program", "Viewer", resident)["viewer"]["memberships"][0]["community"]["id"]
        asked = op("mini_program", "QuestionAsk", resident, communityId=community, text=WATER)["questionAsk"]
        assert asked["errors"] == []
        answered = op("admin", "QuestionAnswer", staff, id=asked["question"]["id"],
                      answer="管道抢修结束后恢复供水，预计今晚 8 点前", publish=True)["questionAnswer"]
        assert answered["errors"] == [] and answered["question"]["published"]

        def suggested(text: str) -> list[str]:
            found = op("mini_program", "QuestionSuggestions", elder, communityId=community, text=text)
            return [s["text"] for s in found["questionSuggestions"]]

        assert suggested("什么时候恢复供水") == [WATER]
        assert suggested("垃圾分类怎么投放") == []
        assert suggested("恢复") == []  # too short to compare
        faq = op("mini_program", "Faq", elder, communityId=community, search="供水", first=10)["faq"]["nodes"]
        assert [e["text"] for e in faq] == [WATER]

        op("admin", "QuestionUnpublish", staff, id=asked["question"]["id"])
        assert suggested("什么时候恢复供水") == []
