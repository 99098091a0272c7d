"""Counting a poll: counts per option, motion or question, turnout, and the double-majority decision.

Pure: frozen dataclasses in, a frozen `Result` out; exact Fractions, never floats. Areas are integers in
0.01 m², like `Room.area_dm2`.

Who counts in an owners' assembly (民法典 第二百七十八条; 最高人民法院《关于审理建筑物区分所有权纠纷案件
适用法律若干问题的解释》第八条、第九条): the area is the rooms' exclusive area; the headcount is one per
room, except that the rooms of one owner count as one head with all their area. "One owner" is the exact
set of people on a room's title: the co-owners of a room are one owner, and rooms whose titles name the
same set of people form one owner unit (`owner_units`), which casts one ballot. The mixed case — A alone
owns room 1 and co-owns room 2 with B — gives two owner units, {A} with room 1 and {A, B} with room 2:
two heads, each with its own room's area and its own ballot. Units are never merged transitively, since
that would let A's vote carry B's share of room 2, or B's vote A's room 1. A developer's unsold rooms are
one owner: pass the developer's id as the owner of each of them.

The statutory words: "以上" includes the number itself (≥, 民法典 第一千二百五十九条); "过半数" is more
than half (>). Participation counts every ballot cast, abstentions included; passing ratios are taken
over the participating area and heads.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from backend.core.errors import DomainError, ErrorCode


class PollKind(Enum):
    SINGLE = "SINGLE"
    MULTIPLE = "MULTIPLE"
    MOTIONS = "MOTIONS"
    QUESTIONNAIRE = "QUESTIONNAIRE"


class ElectorateKind(Enum):
    PERSON = "PERSON"
    HOUSEHOLD = "HOUSEHOLD"
    OWNERS_ASSEMBLY = "OWNERS_ASSEMBLY"


class Matter(Enum):
    ORDINARY = "ORDINARY"
    MAJOR = "MAJOR"  # 第二百七十八条 第一款 第六项至第八项: the maintenance fund, rebuilding, common parts


class Stance(Enum):
    YES = "YES"
    NO = "NO"
    ABSTAIN = "ABSTAIN"


class AnswerKind(Enum):
    TEXT = "TEXT"
    NUMBER = "NUMBER"  # integers; a decimal quantity is asked in a smaller unit


class Measure(Enum):
    PARTICIPATION_AREA = "PARTICIPATION_AREA"
    PARTICIPATION_HEADS = "PARTICIPATION_HEADS"
    PASSING_AREA = "PASSING_AREA"
    PASSING_HEADS = "PASSING_HEADS"


def _invalid(message: str, field: str | None = None) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field)


@dataclass(frozen=True)
class Threshold:
    fraction: Fraction
    strict: bool = False  # True: more than the fraction (过半数); False: at least (以上, 含本数)

    def __post_init__(self) -> None:
        if not 0 <= self.fraction <= 1:
            raise _invalid("表决门槛须在 0 到 100% 之间", "thresholds")
        if self.strict and self.fraction == 1:
            raise _invalid("“超过 100%”的门槛永远无法达到", "thresholds")

    def met(self, ratio: Fraction) -> bool:
        return ratio > self.fraction if self.strict else ratio >= self.fraction

    def at_least_as_strict_as(self, other: "Threshold") -> bool:
        return (self.fraction, self.strict) >= (other.fraction, other.strict)

    def label(self) -> str:
        f = self.fraction
        return f"{f.numerator}/{f.denominator}" if f.denominator != 1 else f"{f * 100}%"

    def verdict(self, met: bool) -> str:
        word = "超过" if self.strict else "达到"
        return f"{word if met else '未' + word} {self.label()}"


@dataclass(frozen=True)
class Thresholds:
    participation_area: Threshold
    participation_heads: Threshold
    passing_area: Threshold
    passing_heads: Threshold

    @classmethod
    def civil_code(cls, matter: Matter) -> "Thresholds":
        """第二百七十八条: both participations ≥ 2/3; ordinary matters > 1/2, major ones ≥ 3/4 of both."""
        two_thirds = Threshold(Fraction(2, 3))
        passing = Threshold(Fraction(3, 4)) if matter is Matter.MAJOR else Threshold(Fraction(1, 2), strict=True)
        return cls(two_thirds, two_thirds, passing, passing)

    def pairs(self) -> tuple[tuple[Measure, Threshold], ...]:
        return (
            (Measure.PARTICIPATION_AREA, self.participation_area),
            (Measure.PARTICIPATION_HEADS, self.participation_heads),
            (Measure.PASSING_AREA, self.passing_area),
            (Measure.PASSING_HEADS, self.passing_heads),
        )


@dataclass(frozen=True)
class Question:
    question_id: str
    answer: AnswerKind


@dataclass(frozen=True)
class PollSpec:
    """What is asked and how it is decided. `thresholds` None: the Civil Code's for an owners'
    assembly, and no decision (counts only) for the other electorates; given for PERSON or HOUSEHOLD,
    only its headcount thresholds apply."""

    kind: PollKind
    electorate: ElectorateKind
    options: tuple[str, ...] = ()  # SINGLE, MULTIPLE
    motions: tuple[str, ...] = ()  # MOTIONS: each answered YES, NO or ABSTAIN
    questions: tuple[Question, ...] = ()  # QUESTIONNAIRE
    min_choices: int = 1  # MULTIPLE
    max_choices: int = 1  # MULTIPLE
    matter: Matter = Matter.ORDINARY
    thresholds: Thresholds | None = None

    def __post_init__(self) -> None:
        items, missing = {
            PollKind.SINGLE: (self.options, "投票至少需要一个选项"),
            PollKind.MULTIPLE: (self.options, "投票至少需要一个选项"),
            PollKind.MOTIONS: (self.motions, "表决至少需要一项议题"),
            PollKind.QUESTIONNAIRE: (tuple(q.question_id for q in self.questions), "问卷至少需要一个问题"),
        }[self.kind]
        if not items:
            raise _invalid(missing, "options")
        if len(set(items)) != len(items):
            raise _invalid("选项、议题或问题不能重复", "options")
        if self.kind is PollKind.MULTIPLE and not 0 <= self.min_choices <= self.max_choices <= len(self.options):
            raise _invalid(f"可选项数须满足 0 ≤ 最少 ≤ 最多 ≤ 选项数（{len(self.options)}）", "maxChoices")
        if self.kind is PollKind.MULTIPLE and self.max_choices < 1:
            raise _invalid("最多可选项数至少为 1", "maxChoices")
        if self.electorate is ElectorateKind.OWNERS_ASSEMBLY and self.thresholds is not None:
            floor = Thresholds.civil_code(self.matter).pairs()
            pairs = zip(self.thresholds.pairs(), floor, strict=True)
            if not all(given.at_least_as_strict_as(law) for (_, given), (_, law) in pairs):
                raise _invalid("业主大会的表决门槛不能低于民法典第二百七十八条的规定", "thresholds")

    def decision_thresholds(self) -> Thresholds | None:
        if self.electorate is ElectorateKind.OWNERS_ASSEMBLY:
            return self.thresholds or Thresholds.civil_code(self.matter)
        return self.thresholds


@dataclass(frozen=True)
class Room:
    room_id: str
    area_dm2: int  # exclusive area in 0.01 m²


@dataclass(frozen=True)
class Entry:
    """One electorate entry: casts one ballot. A person, a household, or an owner unit (rooms + owners)."""

    entry_id: str
    rooms: tuple[Room, ...] = ()  # owners' assemblies
    owners: frozenset[str] = frozenset()  # owners' assemblies: the people (or developer) on the titles

    @property
    def area_dm2(self) -> int:
        return sum(r.area_dm2 for r in self.rooms)


@dataclass(frozen=True)
class ElectorateSummary:
    """What a re-count needs when no ballot names its entry: the heads and the total area."""

    entries: int
    area_dm2: int = 0


@dataclass(frozen=True)
class Electorate:
    entries: tuple[Entry, ...]

    def summary(self) -> ElectorateSummary:
        return ElectorateSummary(len(self.entries), sum(e.area_dm2 for e in self.entries))


def owner_units(titles: Iterable[tuple[Room, Iterable[str]]]) -> tuple[Entry, ...]:
    """An owners' assembly electorate from each room and the ids of the people on its title (rule above).
    Entry id: the owners' ids sorted and joined with "+"; units in order of their first room."""
    units: dict[frozenset[str], list[Room]] = {}
    seen: set[str] = set()
    for room, owners in titles:
        key = frozenset(owners)
        if room.room_id in seen:
            raise _invalid(f"房屋「{room.room_id}」重复出现", "electorate")
        if not key:
            raise _invalid(f"房屋「{room.room_id}」没有登记业主", "electorate")
        seen.add(room.room_id)
        units.setdefault(key, []).append(room)
    return tuple(Entry("+".join(sorted(k)), tuple(rooms), k) for k, rooms in units.items())


@dataclass(frozen=True)
class Ballot:
    """A counted ballot. `entry_id` links it to the electorate (named modes); without it the ballot is
    anonymous and, in an owners' assembly, carries its own weight `area_dm2` (one head each).
    choices: SINGLE/MULTIPLE a frozenset of option ids; MOTIONS {motion: Stance} for every motion;
    QUESTIONNAIRE {question: str | int}, unanswered questions left out."""

    choices: frozenset[str] | Mapping[str, Stance] | Mapping[str, str | int]
    entry_id: str | None = None
    area_dm2: int | None = None


@dataclass(frozen=True)
class Count:
    ballots: int = 0  # heads: persons, households or owner units
    area_dm2: int = 0  # owners' assemblies only


@dataclass(frozen=True)
class QuestionSummary:
    answered: int
    total: int | None = None  # NUMBER questions: sum, least, greatest and mean of the answers
    minimum: int | None = None
    maximum: int | None = None
    mean: Fraction | None = None


@dataclass(frozen=True)
class Step:
    measure: Measure
    part: int  # area in 0.01 m², or heads
    whole: int
    ratio: Fraction  # part / whole, 0 when whole is 0
    threshold: Threshold
    met: bool
    text: str  # one sentence for the console


@dataclass(frozen=True)
class Decision:
    item: str  # the motion, or the option (yes = chose it)
    passed: bool
    steps: tuple[Step, ...]
    text: str


@dataclass(frozen=True)
class Turnout:
    ballots: int
    electorate: int
    ratio: Fraction
    area_dm2: int = 0
    total_area_dm2: int = 0


@dataclass(frozen=True)
class Result:
    turnout: Turnout
    options: Mapping[str, Count]  # SINGLE, MULTIPLE
    motions: Mapping[str, Mapping[Stance, Count]]  # MOTIONS
    questions: Mapping[str, QuestionSummary]  # QUESTIONNAIRE
    decisions: tuple[Decision, ...]  # in the order of the motions or options; () without thresholds


def format_area(area_dm2: int) -> str:
    return f"{area_dm2 // 100:,}.{area_dm2 % 100:02d}㎡"


def format_decimal(value: Fraction, places: int = 1) -> str:
    """Exactly rounded half up to `places` decimals, with thousands separators: 1234.567 → 1,234.6."""
    n = math.floor(value * 10**places + Fraction(1, 2))
    whole, part = divmod(abs(n), 10**places)
    return f"{'-' if n < 0 else ''}{whole:,}" + (f".{part:0{places}d}" if places else "")


def format_percent(ratio: Fraction) -> str:
    return format_decimal(ratio * 100) + "%"


def tally(spec: PollSpec, electorate: Electorate | ElectorateSummary, ballots: Iterable[Ballot]) -> Result:
    """Count `ballots` (each entry at most once) against the frozen electorate. Bad input: DomainError."""
    assembly = spec.electorate is ElectorateKind.OWNERS_ASSEMBLY
    if isinstance(electorate, Electorate):
        weights = _entry_weights(spec, electorate)
        summary = electorate.summary()
    else:
        weights, summary = {}, electorate
    if summary.entries < 1 or (assembly and summary.area_dm2 < 1):
        raise _invalid("选民名册为空", "electorate")

    options = {o: [0, 0] for o in spec.options}
    motions = {m: {s: [0, 0] for s in Stance} for m in spec.motions}
    answers: dict[str, list[str | int]] = {q.question_id: [] for q in spec.questions}
    cast, cast_area, voted = 0, 0, set()
    for ballot in ballots:
        area = _weight(ballot, assembly, weights, voted)
        _check_choices(spec, ballot.choices)
        cast, cast_area = cast + 1, cast_area + area
        if spec.kind is PollKind.MOTIONS:
            for motion, stance in ballot.choices.items():
                _add(motions[motion][stance], area)
        elif spec.kind is PollKind.QUESTIONNAIRE:
            for question, answer in ballot.choices.items():
                answers[question].append(answer)
        else:
            for option in ballot.choices:
                _add(options[option], area)
    if cast > summary.entries:
        raise _invalid(f"选票 {cast} 张，多于名册的 {summary.entries} 个投票单位", "ballots")
    if cast_area > summary.area_dm2:
        raise _invalid("选票的面积合计超过了名册的总面积", "ballots")

    thresholds = spec.decision_thresholds()
    yes = {m: counts[Stance.YES] for m, counts in motions.items()} if spec.kind is PollKind.MOTIONS else options
    decisions = () if thresholds is None or spec.kind is PollKind.QUESTIONNAIRE else tuple(
        _decide(spec, thresholds, item, Count(*y), Count(cast, cast_area), summary) for item, y in yes.items()
    )
    return Result(
        turnout=Turnout(cast, summary.entries, Fraction(cast, summary.entries),
                        cast_area if assembly else 0, summary.area_dm2 if assembly else 0),
        options={o: Count(*c) for o, c in options.items()},
        motions={m: {s: Count(*c) for s, c in counts.items()} for m, counts in motions.items()},
        questions={q.question_id: _summarise(q, answers[q.question_id]) for q in spec.questions},
        decisions=decisions,
    )


def _add(count: list[int], area: int) -> None:
    count[0] += 1
    count[1] += area


def _entry_weights(spec: PollSpec, electorate: Electorate) -> dict[str, int]:
    assembly = spec.electorate is ElectorateKind.OWNERS_ASSEMBLY
    weights: dict[str, int] = {}
    rooms: set[str] = set()
    owner_sets: set[frozenset[str]] = set()
    for entry in electorate.entries:
        if entry.entry_id in weights:
            raise _invalid(f"名册中的投票单位「{entry.entry_id}」重复", "electorate")
        if assembly:
            if not entry.rooms or not entry.owners:
                raise _invalid(f"业主「{entry.entry_id}」须有房屋和业主", "electorate")
            if entry.owners in owner_sets:
                raise _invalid(f"同一业主（或同一组共有人）在名册中出现多次：「{entry.entry_id}」", "electorate")
            for room in entry.rooms:
                if room.room_id in rooms:
                    raise _invalid(f"房屋「{room.room_id}」在名册中出现多次", "electorate")
                if room.area_dm2 < 1:
                    raise _invalid(f"房屋「{room.room_id}」的专有部分面积须大于 0", "electorate")
                rooms.add(room.room_id)
            owner_sets.add(entry.owners)
        weights[entry.entry_id] = entry.area_dm2 if assembly else 0
    return weights


def _weight(ballot: Ballot, assembly: bool, weights: dict[str, int], voted: set[str]) -> int:
    """The ballot's area (0 outside assemblies); checks it belongs to the electorate, once."""
    if ballot.entry_id is None:
        if assembly and (ballot.area_dm2 is None or ballot.area_dm2 < 1):
            raise _invalid("不记名的业主选票须带有其专有部分面积", "ballots")
        if not assembly and ballot.area_dm2 is not None:
            raise _invalid("只有业主大会的选票带有面积", "ballots")
        return ballot.area_dm2 or 0
    if ballot.area_dm2 is not None:
        raise _invalid("记名选票的面积取自名册，不能另给", "ballots")
    if ballot.entry_id not in weights:
        raise _invalid(f"「{ballot.entry_id}」不在本次投票的名册中", "ballots")
    if ballot.entry_id in voted:
        raise _invalid(f"「{ballot.entry_id}」投了不止一张票", "ballots")
    voted.add(ballot.entry_id)
    return weights[ballot.entry_id]


def _check_choices(spec: PollSpec, choices: object) -> None:
    if spec.kind in (PollKind.SINGLE, PollKind.MULTIPLE):
        if not isinstance(choices, frozenset | set):
            raise _invalid("选票须是一组选项", "choices")
        for option in choices:
            if option not in spec.options:
                raise _invalid(f"选项「{option}」不在本次投票中", "choices")
        if spec.kind is PollKind.SINGLE and len(choices) != 1:
            raise _invalid("单选投票须且只能选择一项", "choices")
        if spec.kind is PollKind.MULTIPLE and not spec.min_choices <= len(choices) <= spec.max_choices:
            raise _invalid(f"须选择 {spec.min_choices} 到 {spec.max_choices} 项，实际选了 {len(choices)} 项", "choices")
        return
    if not isinstance(choices, Mapping):
        raise _invalid("选票须按议题或问题作答", "choices")
    if spec.kind is PollKind.MOTIONS:
        for motion, stance in choices.items():
            if motion not in spec.motions:
                raise _invalid(f"议题「{motion}」不在本次表决中", "choices")
            if not isinstance(stance, Stance):
                raise _invalid(f"议题「{motion}」只能选择同意、反对或弃权", "choices")
        for motion in spec.motions:
            if motion not in choices:
                raise _invalid(f"请对议题「{motion}」作出选择（同意、反对或弃权）", "choices")
        return
    kinds = {q.question_id: q.answer for q in spec.questions}
    for question, answer in choices.items():
        if question not in kinds:
            raise _invalid(f"问题「{question}」不在本问卷中", "choices")
        if kinds[question] is AnswerKind.NUMBER and (type(answer) is not int):
            raise _invalid(f"问题「{question}」须填写整数", "choices")
        if kinds[question] is AnswerKind.TEXT and not isinstance(answer, str):
            raise _invalid(f"问题「{question}」须填写文字", "choices")


def _summarise(question: Question, answers: list) -> QuestionSummary:
    if question.answer is AnswerKind.TEXT or not answers:
        return QuestionSummary(len(answers))
    return QuestionSummary(len(answers), sum(answers), min(answers), max(answers), Fraction(sum(answers), len(answers)))


_HEADS = {  # electorate kind -> phrases for participating heads, all heads, heads choosing the item
    ElectorateKind.OWNERS_ASSEMBLY: ("参与表决的业主 {} 人", "业主总人数 {} 人", "{}的业主 {} 人"),
    ElectorateKind.PERSON: ("参与投票的居民 {} 人", "居民总数 {} 人", "{}的居民 {} 人"),
    ElectorateKind.HOUSEHOLD: ("参与投票的 {} 户", "总户数 {} 户", "{}的 {} 户"),
}
_AREA = ("参与表决的专有部分面积 {}", "总面积 {}", "{}的专有部分面积 {}")


def _decide(spec: PollSpec, thresholds: Thresholds, item: str, yes: Count, cast: Count,
            summary: ElectorateSummary) -> Decision:
    agreeing = "同意" if spec.kind is PollKind.MOTIONS else "选择该项"
    heads, area = _HEADS[spec.electorate], _AREA
    a = format_area
    numbers = {  # measure -> part, whole, and the two phrases
        Measure.PARTICIPATION_AREA: (cast.area_dm2, summary.area_dm2,
                                     area[0].format(a(cast.area_dm2)), area[1].format(a(summary.area_dm2))),
        Measure.PARTICIPATION_HEADS: (cast.ballots, summary.entries,
                                      heads[0].format(cast.ballots), heads[1].format(summary.entries)),
        Measure.PASSING_AREA: (yes.area_dm2, cast.area_dm2,
                               area[2].format(agreeing, a(yes.area_dm2)), area[0].format(a(cast.area_dm2))),
        Measure.PASSING_HEADS: (yes.ballots, cast.ballots,
                                heads[2].format(agreeing, yes.ballots), heads[0].format(cast.ballots)),
    }
    steps = []
    for measure, threshold in thresholds.pairs():
        if spec.electorate is not ElectorateKind.OWNERS_ASSEMBLY and measure in _AREA_MEASURES:
            continue  # persons and households are counted by head only
        part, whole, part_text, whole_text = numbers[measure]
        ratio = Fraction(part, whole) if whole else Fraction(0)
        met = bool(whole) and threshold.met(ratio)
        text = f"{part_text} / {whole_text} = {format_percent(ratio)}，{threshold.verdict(met)}"
        steps.append(Step(measure, part, whole, ratio, threshold, met, text))
    participated = all(s.met for s in steps if s.measure in _PARTICIPATION)
    passed = participated and all(s.met for s in steps)
    why = "通过" if passed else ("未通过：参与表决未达到要求" if not participated else f"未通过：{agreeing}未达到要求")
    return Decision(item, passed, tuple(steps), f"「{item}」{why}")


_AREA_MEASURES = (Measure.PARTICIPATION_AREA, Measure.PASSING_AREA)
_PARTICIPATION = (Measure.PARTICIPATION_AREA, Measure.PARTICIPATION_HEADS)
