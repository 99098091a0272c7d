"""Verifying an exported poll log: an honest log re-counts; every kind of tampering is named."""

import json
import random
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.voting.merkle import MerkleTree, sign_tree_head
from backend.voting.tally import (
    AnswerKind,
    Ballot,
    ElectorateKind,
    ElectorateSummary,
    Matter,
    PollKind,
    PollSpec,
    Question,
    Stance,
    tally,
)
from backend.voting.verify_log import (
    LogInvalid,
    ballot_leaf,
    canonical_json,
    describe_poll,
    export_log,
    poll_digest,
    report,
    tracker_hash,
    verify_log,
)

POLL = "poll-7"
SPEC = PollSpec(PollKind.MOTIONS, ElectorateKind.OWNERS_ASSEMBLY, motions=("加装电梯", "更换物业"), matter=Matter.MAJOR)
STANCES = list(Stance)


def sealed_log(spec, electorate, ballots, batches, key=None):
    """Seal `ballots` [(tracker code, choices, area)] in batches of the given sizes, as the worker would."""
    key = key or Ed25519PrivateKey.generate()
    digest = poll_digest(describe_poll(spec, electorate))
    leaves = [ballot_leaf(tracker_hash(POLL, code), choices, area) for code, choices, area in ballots]
    tree, heads, start = MerkleTree(), [], 0
    for size in batches:
        tree.extend(leaves[start:start + size])
        start += size
        heads.append(sign_tree_head(tree.head(POLL, digest, 1_790_000_000_000 + len(heads) * 600_000), key))
    return export_log(POLL, spec, electorate, leaves, heads, key.public_key()), key


def ten_owners():
    rng = random.Random(7)
    return [(f"T{i:04d}", {m: rng.choice(STANCES) for m in SPEC.motions}, 10_000 + 100 * i) for i in range(10)]


ELECTORATE = ElectorateSummary(entries=12, area_dm2=200_000)


@pytest.fixture
def log():
    document, _ = sealed_log(SPEC, ELECTORATE, ten_owners(), [4, 4, 2])
    return json.loads(json.dumps(document))  # it is plain JSON


def test_an_honest_log_verifies_and_recounts_to_the_tally(log):
    checked = verify_log(log, tracker_code="T0003", public_key=bytes.fromhex(log["public_key"]))
    expected = tally(SPEC, ELECTORATE, [Ballot(c, area_dm2=a) for _, c, a in ten_owners()])
    assert checked.result == expected
    assert (checked.ballots, checked.tree_heads) == (10, 3)
    assert checked.receipt.index == 3 and checked.receipt.tree_size == 10
    assert checked.receipt.tracker_hash == tracker_hash(POLL, "T0003")


def test_the_report_shows_the_recount_and_the_receipt():
    spec = PollSpec(PollKind.MOTIONS, ElectorateKind.OWNERS_ASSEMBLY, motions=("加装电梯",))
    ballots = [("T1", {"加装电梯": Stance.YES}, 60_000), ("T2", {"加装电梯": Stance.NO}, 40_000)]
    document, _ = sealed_log(spec, ElectorateSummary(entries=3, area_dm2=120_000), ballots, [2])
    checked = verify_log(document, tracker_code="T2")
    assert report(checked) == [
        "投票 poll-7：日志校验通过",
        f"选票 2 张，树头 1 个，最后的根哈希 {checked.root_hash.hex()}",
        "投票率 2 / 3 = 66.7%，面积 1,000.00㎡ / 1,200.00㎡",
        "议题「加装电梯」：同意 1 票（600.00㎡），反对 1 票（400.00㎡），弃权 0 票（0.00㎡）",
        "「加装电梯」未通过：同意未达到要求",
        "  参与表决的专有部分面积 1,000.00㎡ / 总面积 1,200.00㎡ = 83.3%，达到 2/3",
        "  参与表决的业主 2 人 / 业主总人数 3 人 = 66.7%，达到 2/3",
        "  同意的专有部分面积 600.00㎡ / 参与表决的专有部分面积 1,000.00㎡ = 60.0%，超过 1/2",
        "  同意的业主 1 人 / 参与表决的业主 2 人 = 50.0%，未超过 1/2",
        "回执：这张选票是日志中的第 2 张，包含证明在 2 张选票的树头下成立",
    ]


def test_the_leaf_names_no_one():
    leaf = ballot_leaf(tracker_hash(POLL, "T1"), {"加装电梯": Stance.YES, "更换物业": Stance.NO}, 9_000)
    assert json.loads(leaf) == {"v": 1, "tracker": tracker_hash(POLL, "T1"), "area_dm2": 9_000,
                                "choices": {"加装电梯": "YES", "更换物业": "NO"}}
    assert leaf == ('{"area_dm2":9000,"choices":{"加装电梯":"YES","更换物业":"NO"},"tracker":"'
                    + tracker_hash(POLL, "T1") + '","v":1}').encode()
    assert tracker_hash(POLL, "T1") != tracker_hash("poll-8", "T1")


def refused(log, message, **kwargs):
    with pytest.raises(LogInvalid) as error:
        verify_log(log, **kwargs)
    assert message in error.value.message
    return error.value.message


def edited(leaf, **changes):
    """The leaf text with some fields changed, still canonical: the forger knows the encoding."""
    return canonical_json(json.loads(leaf) | changes).decode()


def test_an_edited_ballot_is_detected(log):
    choices = json.loads(log["leaves"][2])["choices"]
    flipped = "NO" if choices["加装电梯"] == "YES" else "YES"
    log["leaves"][2] = edited(log["leaves"][2], choices=choices | {"加装电梯": flipped})
    refused(log, "第 1 个树头（4 张选票）的根哈希与日志重建的不符：第 1 到 4 张选票中有被修改、删除或插入的")


def test_an_edited_ballot_in_the_last_batch_is_detected(log):
    log["leaves"][9] = edited(log["leaves"][9], area_dm2=json.loads(log["leaves"][9])["area_dm2"] + 1)
    refused(log, "第 3 个树头（10 张选票）的根哈希与日志重建的不符：第 9 到 10 张选票中有被修改、删除或插入的")


def test_a_deleted_ballot_is_detected(log):
    del log["leaves"][5]
    refused(log, "日志只有 9 张选票，但最后的树头签署了 10 张：有选票被删除")


def test_an_inserted_ballot_is_detected(log):
    log["leaves"].insert(1, edited(log["leaves"][0], tracker=tracker_hash(POLL, "forged")))
    refused(log, "日志有 11 张选票，但最后的树头只签署了 10 张：有 1 张未经签署的选票（被插入）")


def test_a_ballot_swapped_for_another_is_detected(log):
    log["leaves"][5] = edited(log["leaves"][5], tracker=tracker_hash(POLL, "forged"))
    refused(log, "第 2 个树头（8 张选票）的根哈希与日志重建的不符：第 5 到 8 张选票中有被修改、删除或插入的")


@pytest.mark.parametrize("field", ["tree_size", "root_hash", "timestamp"])
def test_a_rewritten_tree_head_is_detected(log, field):
    head = log["tree_heads"][1]
    head[field] = head[field] - 1 if field != "root_hash" else MerkleTree([b"x"]).root().hex()
    refused(log, "第 2 个树头（")
    refused(log, "的签名无效：树头被改写，或不是用本投票的密钥签发")


def test_changed_rules_are_detected(log):
    log["poll"]["spec"]["matter"] = "ORDINARY"
    log["poll"]["spec"]["thresholds"] = None
    refused(log, "投票的规则或名册与第 1 个树头签署的不符：日志中的投票说明被改动")


def test_a_log_resigned_with_another_key_fails_against_the_published_key(log):
    published = bytes.fromhex(log["public_key"])
    forged, _ = sealed_log(SPEC, ELECTORATE, ten_owners()[:9], [9])
    refused(forged, "日志中的公钥与公布的公钥不符", public_key=published)


def test_a_forked_log_is_detected():
    """The operator signs a head, then rewrites the sealed ballots and signs again with the same key."""
    ballots = ten_owners()
    honest, key = sealed_log(SPEC, ELECTORATE, ballots[:4], [4])
    rewritten = [(code, {m: Stance.YES for m in SPEC.motions}, area) for code, _, area in ballots]
    forked, _ = sealed_log(SPEC, ELECTORATE, rewritten, [4, 6], key)
    forked["tree_heads"][0] = honest["tree_heads"][0]
    refused(forked, "第 1 与第 2 个树头之间的一致性证明不成立：日志出现分叉（已封存的选票被改写后重新签署）")


def test_a_tampered_consistency_proof_is_detected(log):
    proof = log["tree_heads"][2]["consistency_proof"]
    proof[0] = "00" * 32
    refused(log, "第 2 与第 3 个树头之间的一致性证明不成立")


def test_a_duplicated_ballot_is_detected_even_when_signed():
    ballots = ten_owners()
    document, _ = sealed_log(SPEC, ELECTORATE, [*ballots, ballots[3]], [11])
    refused(document, "第 11 张选票与第 4 张的追踪码相同：同一张票出现两次")


def test_a_signed_ballot_outside_the_rules_fails_the_recount():
    document, _ = sealed_log(SPEC, ElectorateSummary(entries=12, area_dm2=100), ten_owners(), [10])
    refused(document, "重新计票失败：选票的面积合计超过了名册的总面积")


def test_a_tracker_code_not_in_the_log(log):
    refused(log, "追踪码 T9999 的选票不在已公布的日志中", tracker_code="T9999")


def test_a_document_that_is_not_a_log():
    with pytest.raises(LogInvalid, match="这不是 linli-poll-log/1 格式的投票日志"):
        verify_log({"leaves": []})
    with pytest.raises(LogInvalid, match="日志格式无效"):
        verify_log({"format": "linli-poll-log/1", "poll_id": POLL})


def test_a_hundred_thousand_ballots_verify():
    """Speed is measured in bench/; here the figure is only printed."""
    spec = PollSpec(PollKind.SINGLE, ElectorateKind.HOUSEHOLD, options=("东门", "西门", "南门"))
    rng = random.Random(1)
    ballots = [(f"T{i:06d}", frozenset({rng.choice(spec.options)}), None) for i in range(100_000)]
    document, _ = sealed_log(spec, ElectorateSummary(entries=120_000), ballots, [10_000] * 10)
    started = time.perf_counter()
    checked = verify_log(document, tracker_code="T054321")
    print(f"\nverified 100,000 ballots under 10 tree heads in {time.perf_counter() - started:.2f} s")
    assert sum(c.ballots for c in checked.result.options.values()) == 100_000
    assert checked.receipt.index == 54_321


def test_tree_heads_out_of_order_are_detected(log):
    log["tree_heads"][0], log["tree_heads"][1] = log["tree_heads"][1], log["tree_heads"][0]
    refused(log, "第 2 个树头比第 1 个更小或更早：树头顺序错乱")


def test_a_questionnaire_log_recounts_its_answers():
    spec = PollSpec(PollKind.QUESTIONNAIRE, ElectorateKind.HOUSEHOLD,
                    questions=(Question("车位需求", AnswerKind.NUMBER), Question("建议", AnswerKind.TEXT)))
    ballots = [("T1", {"车位需求": 2, "建议": "多装路灯"}, None), ("T2", {"车位需求": -1}, None), ("T3", {}, None)]
    document, _ = sealed_log(spec, ElectorateSummary(entries=4), ballots, [3])
    assert report(verify_log(document))[3:] == ["问题「车位需求」：作答 2 份，合计 1，最小 -1，最大 2，平均 0.50",
                                                "问题「建议」：作答 1 份"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=5), st.data())
def test_any_single_edit_deletion_or_insertion_is_detected(batches, data):
    owners = [(f"T{i:04d}", {m: Stance.YES for m in SPEC.motions}, 1_000) for i in range(sum(batches))]
    document, _ = sealed_log(SPEC, ElectorateSummary(entries=100, area_dm2=1_000_000), owners, batches)
    leaves = document["leaves"]
    index = data.draw(st.integers(0, len(leaves) - 1))
    action = data.draw(st.sampled_from(["edit", "delete", "insert"]))
    if action == "edit":
        leaves[index] = edited(leaves[index], choices={m: Stance.NO.value for m in SPEC.motions})
    elif action == "delete":
        del leaves[index]
    else:
        leaves.insert(index, edited(leaves[index], tracker=tracker_hash(POLL, "forged")))
    with pytest.raises(LogInvalid):
        verify_log(document)
