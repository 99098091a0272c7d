"""What a caller sends (TransferSpec) and what each transfer gets back (Result), with the Chinese
message a user sees for every way a transfer can fail."""

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from backend.ledger.models import Ledger, TransferFlags


class ResultCode(StrEnum):
    OK = "OK"
    EXISTS = "EXISTS"  # the same id with the same body: the first result stands
    EXISTS_WITH_DIFFERENT_BODY = "EXISTS_WITH_DIFFERENT_BODY"
    LINKED_EVENT_FAILED = "LINKED_EVENT_FAILED"
    LINKED_EVENT_CHAIN_OPEN = "LINKED_EVENT_CHAIN_OPEN"
    FLAGS_INVALID = "FLAGS_INVALID"
    CODE_INVALID = "CODE_INVALID"
    AMOUNT_INVALID = "AMOUNT_INVALID"
    ACCOUNTS_MUST_BE_DIFFERENT = "ACCOUNTS_MUST_BE_DIFFERENT"
    ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND"
    LEDGER_MISMATCH = "LEDGER_MISMATCH"
    OVERDRAFT = "OVERDRAFT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    PENDING_NOT_FOUND = "PENDING_NOT_FOUND"
    PENDING_DIFFERENT_ACCOUNTS = "PENDING_DIFFERENT_ACCOUNTS"
    PENDING_ALREADY_POSTED = "PENDING_ALREADY_POSTED"
    PENDING_ALREADY_VOIDED = "PENDING_ALREADY_VOIDED"
    PENDING_EXPIRED = "PENDING_EXPIRED"
    EXCEEDS_PENDING_AMOUNT = "EXCEEDS_PENDING_AMOUNT"


MESSAGES = {
    ResultCode.OK: "已记账",
    ResultCode.EXISTS: "该笔转账已记账（重复提交，结果与第一次相同）",
    ResultCode.EXISTS_WITH_DIFFERENT_BODY: "该转账编号已用于另一笔内容不同的转账，请使用新的编号",
    ResultCode.LINKED_EVENT_FAILED: "同组关联的另一笔转账未成功，本笔一并取消",
    ResultCode.LINKED_EVENT_CHAIN_OPEN: "关联转账组没有结尾：最后一笔不能带“关联”标志",
    ResultCode.FLAGS_INVALID: "转账标志不正确：冻结、入账、撤销只能选一种，入账和撤销须指明冻结的转账，"
                              "冻结期限不超过一年",
    ResultCode.CODE_INVALID: "转账用途须为 1 到 32 个字符，关联单据不超过 128 个字符",
    ResultCode.AMOUNT_INVALID: "转账数额不正确：须为正整数（撤销时不填或等于冻结的数额）",
    ResultCode.ACCOUNTS_MUST_BE_DIFFERENT: "转出账户和转入账户不能相同",
    ResultCode.ACCOUNT_NOT_FOUND: "找不到转出或转入账户",
    ResultCode.LEDGER_MISMATCH: "两个账户不属于同一种资产（金额、时长、积分不能互转）",
    ResultCode.OVERDRAFT: "余额不足",
    ResultCode.LIMIT_EXCEEDED: "超出账户的存储上限",
    ResultCode.PENDING_NOT_FOUND: "找不到要入账或撤销的冻结转账",
    ResultCode.PENDING_DIFFERENT_ACCOUNTS: "入账或撤销的账户与冻结的转账不一致",
    ResultCode.PENDING_ALREADY_POSTED: "该冻结转账已经入账",
    ResultCode.PENDING_ALREADY_VOIDED: "该冻结转账已经撤销",
    ResultCode.PENDING_EXPIRED: "该冻结转账已过期，冻结的数额已退回",
    ResultCode.EXCEEDS_PENDING_AMOUNT: "入账数额超过了冻结的数额",
}

# Answers that mean the transfer is in the ledger.
SUCCESS = frozenset({ResultCode.OK, ResultCode.EXISTS})
# Failures that are not the transfer's own (its chain failed, or a retry used another body): the id
# stays free, so they are not recorded as rejections.
NOT_RECORDED = SUCCESS | {ResultCode.LINKED_EVENT_FAILED, ResultCode.LINKED_EVENT_CHAIN_OPEN,
                          ResultCode.EXISTS_WITH_DIFFERENT_BODY}


@dataclass(frozen=True)
class TransferSpec:
    """A transfer as the caller asks for it. For a post or void, the accounts may be left out (they
    are the pending transfer's); the amount of a post may be left out (all of it) or smaller (the
    rest is released)."""

    id: UUID
    ledger: Ledger
    code: str
    debit_account_id: UUID | None = None
    credit_account_id: UUID | None = None
    amount: int | None = None
    reference: str = ""
    flags: TransferFlags = TransferFlags.NONE
    pending_id: UUID | None = None
    timeout: int = 0  # seconds, for a pending transfer (at most MAX_TIMEOUT)

    def body_hash(self) -> str:
        body = [str(self.debit_account_id), str(self.credit_account_id), self.amount, str(self.ledger), self.code,
                self.reference, int(self.flags), str(self.pending_id), self.timeout]
        return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Result:
    id: UUID
    code: ResultCode

    @property
    def ok(self) -> bool:
        return self.code in SUCCESS

    @property
    def message(self) -> str:
        return MESSAGES[self.code]
