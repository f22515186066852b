"""Early-warning rules over each case's events, read from YAML and parsed without ``eval``.

A rule file holds a list of rules::

    rules:
      - id: involve_legal
        when: count(payment_terms_viewed) >= 3 within 7d
        then: alert_legal

The ``when`` language, in order of binding (``not`` binds tightest)::

    expression  := term ("or" term)*
    term        := factor ("and" factor)*
    factor      := "not" factor | "(" expression ")" | predicate
    predicate   := "count" "(" names ")" CMP NUMBER "within" DURATION
                 | "absent" "(" names ")" "for" DURATION
                 | NAME "followed" "by" NAME "within" DURATION
                 | "health" CMP NUMBER
    names       := "any" | NAME ("," NAME)*
    NAME        := identifier | "double-quoted text" | 'single-quoted text'
    CMP         := >= | > | <= | < | == | !=
    DURATION    := NUMBER followed by h (hours), d (days) or w (weeks), e.g. 36h, 7d, 2w

A rule is evaluated at each event of a case, at the end of the observation window, and
at the moments an ``absent`` window closes; it fires at the first moment its condition
holds, once per case. ``count(...) within W`` counts events in the last W up to that
moment; ``absent(...) for W`` holds when none occurred in the last W and the case is at
least W old; ``A followed by B within W`` holds once a B has come at most W after an
earlier A; ``health`` is the journey health score (see :mod:`workbench.journeys.health`)
at that moment.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbench.errors import DataFileError, Problem, WorkbenchError
from workbench.journeys.health import MEASURES, HealthWeights, _sub_scores

__all__ = ["ACTIONS", "Rule", "RuleSet", "evaluate_rules", "load_rules", "parse_rules",
           "score_early_warning"]

ACTIONS = ("alert_legal", "escalate_manager", "assign_customer_success", "notify_rep")
_KEYWORDS = {"count", "absent", "followed", "by", "within", "for", "and", "or", "not",
             "health", "any"}
_COMPARISONS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
                "==": np.equal, "!=": np.not_equal}
_UNIT_DAYS = {"h": 1 / 24, "d": 1.0, "w": 7.0}
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<duration>\d+(?:\.\d+)?[hdw])\b
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\n]*"|'[^'\n]*')
  | (?P<name>[^\W\d][\w.:\-]*)
  | (?P<compare>>=|<=|==|!=|>|<)
  | (?P<punct>[(),])
""", re.VERBOSE)


class RuleSyntaxError(Exception):
    """A defect at one offset of a rule's ``when`` text."""

    def __init__(self, offset: int, expected: str, found: str) -> None:
        super().__init__(f"expected {expected}, found {found} at {offset}")
        self.offset, self.expected, self.found = offset, expected, found


# -- syntax tree ----------------------------------------------------------------------

@dataclass(frozen=True)
class Count:
    """``count(names) CMP number within window``."""

    names: tuple[str, ...] | None
    compare: str
    number: float
    window: float


@dataclass(frozen=True)
class Absent:
    """``absent(names) for window``."""

    names: tuple[str, ...] | None
    window: float


@dataclass(frozen=True)
class FollowedBy:
    """``first followed by second within window``."""

    first: str
    second: str
    window: float


@dataclass(frozen=True)
class Health:
    """``health CMP number``."""

    compare: str
    number: float


@dataclass(frozen=True)
class Not:
    """Negation."""

    operand: object


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` of two or more operands."""

    operator: str
    operands: tuple


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    offset: int


def _tokenize(text: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise RuleSyntaxError(position, "a name, number or operator", repr(text[position]))
        kind = match.lastgroup
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive-descent parser of one ``when`` expression; records activity names used."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.names: list[tuple[str, int]] = []

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def _found(self) -> str:
        return "the end of the rule" if self.token.kind == "end" else repr(self.token.text)

    def _expect(self, text: str) -> _Token:
        if self.token.text != text or self.token.kind == "string":
            raise RuleSyntaxError(self.token.offset, repr(text), self._found())
        token = self.token
        self.index += 1
        return token

    def _keyword(self, text: str) -> bool:
        return self.token.kind == "name" and self.token.text == text

    def parse(self) -> object:
        tree = self._expression()
        if self.token.kind != "end":
            raise RuleSyntaxError(self.token.offset, "'and', 'or' or the end of the rule",
                                  self._found())
        return tree

    def _expression(self) -> object:
        operands = [self._term()]
        while self._keyword("or"):
            self.index += 1
            operands.append(self._term())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def _term(self) -> object:
        operands = [self._factor()]
        while self._keyword("and"):
            self.index += 1
            operands.append(self._factor())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def _factor(self) -> object:
        if self._keyword("not"):
            self.index += 1
            return Not(self._factor())
        if self.token.text == "(" and self.token.kind == "punct":
            self.index += 1
            inner = self._expression()
            self._expect(")")
            return inner
        if self._keyword("count"):
            self.index += 1
            names = self._names()
            compare, number = self._comparison()
            self._expect("within")
            return Count(names, compare, number, self._duration())
        if self._keyword("absent"):
            self.index += 1
            names = self._names()
            self._expect("for")
            return Absent(names, self._duration())
        if self._keyword("health"):
            self.index += 1
            compare, number = self._comparison()
            return Health(compare, number)
        if self.token.kind in {"name", "string"} and self.token.text not in _KEYWORDS:
            first = self._name()
            self._expect("followed")
            self._expect("by")
            second = self._name()
            self._expect("within")
            return FollowedBy(first, second, self._duration())
        raise RuleSyntaxError(self.token.offset,
                              "count(...), absent(...), health, an activity name or '('",
                              self._found())

    def _names(self) -> tuple[str, ...] | None:
        self._expect("(")
        if self._keyword("any"):
            self.index += 1
            self._expect(")")
            return None
        names = [self._name()]
        while self.token.text == "," and self.token.kind == "punct":
            self.index += 1
            names.append(self._name())
        self._expect(")")
        return tuple(names)

    def _name(self) -> str:
        token = self.token
        if token.kind == "string":
            name = token.text[1:-1]
        elif token.kind == "name" and token.text not in _KEYWORDS:
            name = token.text
        else:
            raise RuleSyntaxError(token.offset, "an activity name", self._found())
        self.names.append((name, token.offset))
        self.index += 1
        return name

    def _comparison(self) -> tuple[str, float]:
        if self.token.kind != "compare":
            raise RuleSyntaxError(self.token.offset, "a comparison (>=, >, <=, <, ==, !=)",
                                  self._found())
        compare = self.token.text
        self.index += 1
        if self.token.kind != "number":
            raise RuleSyntaxError(self.token.offset, "a number", self._found())
        number = float(self.token.text)
        self.index += 1
        return compare, number

    def _duration(self) -> float:
        if self.token.kind != "duration":
            raise RuleSyntaxError(self.token.offset, "a duration such as 7d, 36h or 2w",
                                  self._found())
        text = self.token.text
        self.index += 1
        return float(text[:-1]) * _UNIT_DAYS[text[-1]]


# -- rule files -----------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One parsed rule; ``names`` holds each activity name with its (line, column)."""

    id: str
    when: str
    action: str
    condition: object
    line: int
    names: tuple[tuple[str, int, int], ...] = field(default_factory=tuple)


@dataclass
class RuleSet:
    """Rules parsed from one file, ready to run on any log."""

    rules: list[Rule]
    file: str = "rules.yaml"

    def check_activities(self, known: set[str] | list[str]) -> None:
        """Reject rules naming activities the log does not hold; nothing is evaluated.

        Raises
        ------
        DataFileError
            One problem per unknown name, with its line, column and the closest names.
        """
        known = set(known)
        problems = []
        for rule in self.rules:
            for name, line, column in rule.names:
                if name in known:
                    continue
                close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
                problems.append(Problem(self.file, "journeys.rule.unknown_activity", params={
                    "line": line, "column": column, "rule": rule.id, "name": name,
                    "suggestions": ", ".join(close) if close else "—"}))
        if problems:
            raise DataFileError(self.file, problems)


def _scalar_positions(node: yaml.ScalarNode, source_lines: list[str]) -> list[tuple[int, int]]:
    """Return the (line, column), 1-based, of each character of a scalar's value."""
    value = node.value
    positions: list[tuple[int, int]] = []
    if node.style in ("|", ">"):
        line = node.start_mark.line + 1
        for raw in source_lines[line:]:
            stripped = raw.lstrip(" ")
            indent = len(raw) - len(stripped)
            for offset in range(len(stripped)):
                positions.append((line + 1, indent + offset + 1))
            positions.append((line + 1, indent + len(stripped) + 1))
            line += 1
            if len(positions) >= len(value):
                break
    else:
        line, column = node.start_mark.line, node.start_mark.column
        if node.style in ("'", '"'):
            column += 1
        raw = source_lines[line] if line < len(source_lines) else ""
        while len(positions) <= len(value):
            for offset in range(column, len(raw)):
                positions.append((line + 1, offset + 1))
            positions.append((line + 1, len(raw) + 1))
            line += 1
            if line >= len(source_lines):
                break
            raw = source_lines[line]
            column = len(raw) - len(raw.lstrip(" "))
    while len(positions) <= len(value):
        positions.append(positions[-1] if positions else (node.start_mark.line + 1, 1))
    return positions


def parse_rules(text: str, file: str = "rules.yaml") -> RuleSet:
    """Parse a rule file's text.

    Raises
    ------
    DataFileError
        For malformed YAML, a rule without ``id``/``when``/``then``, an unknown action,
        a duplicate id or a syntax error in ``when``; each problem names the line and
        column.
    """
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(file, [Problem(file, "journeys.rule.yaml_syntax", params={
            "line": mark.line + 1 if mark else 1, "column": mark.column + 1 if mark else 1,
            "detail": str(getattr(error, "problem", error))})]) from error
    source_lines = text.splitlines()
    entries = _rule_nodes(root)
    if entries is None:
        raise DataFileError(file, [Problem(file, "journeys.rule.no_rules")])

    rules, problems, seen = [], [], set()
    for entry in entries:
        line = entry.start_mark.line + 1
        if not isinstance(entry, yaml.MappingNode):
            problems.append(Problem(file, "journeys.rule.not_mapping",
                                    params={"line": line, "column": entry.start_mark.column + 1}))
            continue
        fields = {key.value: value for key, value in entry.value
                  if isinstance(key, yaml.ScalarNode)}
        missing = [name for name in ("id", "when", "then") if name not in fields]
        rule_id = fields["id"].value if "id" in fields else f"#{len(rules) + 1}"
        if missing:
            problems.append(Problem(file, "journeys.rule.missing_field", params={
                "line": line, "column": entry.start_mark.column + 1, "rule": rule_id,
                "fields": ", ".join(missing)}))
            continue
        if rule_id in seen:
            problems.append(Problem(file, "journeys.rule.duplicate_id", params={
                "line": line, "column": fields["id"].start_mark.column + 1, "rule": rule_id}))
        seen.add(rule_id)
        action_node = fields["then"]
        if action_node.value not in ACTIONS:
            problems.append(Problem(file, "journeys.rule.unknown_action", params={
                "line": action_node.start_mark.line + 1,
                "column": action_node.start_mark.column + 1, "rule": rule_id,
                "action": action_node.value, "allowed": ", ".join(ACTIONS)}))
        when_node = fields["when"]
        positions = _scalar_positions(when_node, source_lines)
        parser = None
        try:
            parser = _Parser(when_node.value)
            condition = parser.parse()
        except RuleSyntaxError as error:
            where = positions[min(error.offset, len(positions) - 1)]
            problems.append(Problem(file, "journeys.rule.syntax", params={
                "line": where[0], "column": where[1], "rule": rule_id,
                "expected": error.expected, "found": error.found}))
            continue
        names = tuple((name, *positions[min(offset, len(positions) - 1)])
                      for name, offset in parser.names)
        rules.append(Rule(rule_id, when_node.value, action_node.value, condition, line, names))
    if problems:
        raise DataFileError(file, problems)
    return RuleSet(rules, file)


def _rule_nodes(root: yaml.Node | None) -> list | None:
    if isinstance(root, yaml.SequenceNode):
        return root.value
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "rules" and isinstance(value, yaml.SequenceNode):
                return value.value
    return None


def load_rules(path: str | Path) -> RuleSet:
    """Read and parse a rule file (see :func:`parse_rules`)."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError("import.path_not_found", path=str(path))
    return parse_rules(path.read_text("utf-8"), path.name)


# -- evaluation -----------------------------------------------------------------------

@dataclass
class _Case:
    """One case's events as arrays, times in days from the log's epoch."""

    times: np.ndarray
    activities: np.ndarray
    touch: np.ndarray
    contacts: np.ndarray
    sentiment: np.ndarray
    stage_rows: np.ndarray


def _case_arrays(events: pd.DataFrame, stages: set[str] | None) -> tuple[list, list, pd.Timestamp]:
    from workbench.journeys.health import _parse_attrs

    frame = events.sort_values(["case_id", "timestamp"], kind="stable")
    epoch = frame["timestamp"].min()
    times = ((frame["timestamp"] - epoch).dt.total_seconds() / 86_400).to_numpy()
    activities = frame["activity"].astype(str).to_numpy(dtype=object)
    attrs = _parse_attrs(frame["attrs"]) if "attrs" in frame else [{}] * len(frame)
    kind = np.array([item.get("kind", "") for item in attrs], dtype=object)
    is_stage = (kind == "stage") if stages is None else np.isin(activities, list(stages))
    resource = frame["resource"].astype(object).fillna("").astype(str).to_numpy(dtype=object)
    contacts = np.array([item.get("contact_id") or res
                         for item, res in zip(attrs, resource, strict=True)], dtype=object)
    sentiment = np.array([float(item["sentiment"]) if isinstance(item.get("sentiment"),
                                                                 int | float) else np.nan
                          for item in attrs])
    case_ids = frame["case_id"].astype(str).to_numpy(dtype=object)
    bounds = np.flatnonzero(case_ids[1:] != case_ids[:-1]) + 1
    starts = np.concatenate([[0], bounds])
    stops = np.concatenate([bounds, [len(case_ids)]])
    cases = []
    for start, stop in zip(starts, stops, strict=True):
        piece = slice(start, stop)
        stage_flags = is_stage[piece]
        cases.append(_Case(times[piece], activities[piece], ~stage_flags, contacts[piece],
                           sentiment[piece], np.flatnonzero(stage_flags)))
    return [case_ids[start] for start in starts], cases, epoch


def _health_at(case: _Case, instants: np.ndarray, weights: HealthWeights) -> np.ndarray:
    touch_times = case.times[case.touch]
    start = case.times[0]
    last_touch = np.searchsorted(touch_times, instants, side="right") - 1
    days_since = np.where(last_touch >= 0, instants - touch_times[np.maximum(last_touch, 0)],
                          instants - start)
    touch_contacts = case.contacts[case.touch]
    committee = max(len(set(touch_contacts.tolist())), 1)
    coverage = np.array([len(set(touch_contacts[(touch_times > moment - 30) &
                                                (touch_times <= moment)].tolist()))
                         for moment in instants]) / committee
    upto = np.searchsorted(touch_times, instants, side="right")
    late = upto - np.searchsorted(touch_times, instants - 14, side="right")
    early = np.searchsorted(touch_times, instants - 14, side="right") - np.searchsorted(
        touch_times, instants - 28, side="right")
    total = late + early
    trend = np.where(total > 0, (late - early) / np.maximum(total, 1), -1.0)
    stage_times = case.times[case.stage_rows]
    stage_names = case.activities[case.stage_rows]
    last_stage = np.searchsorted(stage_times, instants, side="right") - 1
    in_stage = np.where(last_stage >= 0, instants - stage_times[np.maximum(last_stage, 0)],
                        instants - start)
    stage = np.where(last_stage >= 0, stage_names[np.maximum(last_stage, 0)]
                     if len(stage_names) else None, None)
    values = case.sentiment[case.touch]
    sentiment = np.array([np.nanmean(window) if np.isfinite(window).any() else np.nan
                          for window in (values[(touch_times > moment - 30) &
                                                (touch_times <= moment)]
                                         for moment in instants)])
    measures = pd.DataFrame({"days_since_contact": days_since, "committee_coverage": coverage,
                             "engagement_trend": trend, "days_in_stage": in_stage,
                             "stage": stage, "sentiment": sentiment})
    scores = _sub_scores(measures, weights)
    matrix = np.column_stack([scores[name] for name in MEASURES])
    vector = weights.vector()
    return matrix @ vector / vector.sum()


def _mask(case: _Case, names: tuple[str, ...] | None) -> np.ndarray:
    if names is None:
        return case.touch.copy()
    return np.isin(case.activities, names)


def _evaluate(node: object, case: _Case, instants: np.ndarray, weights: HealthWeights,
              cache: dict) -> np.ndarray:
    if isinstance(node, BoolOp):
        values = [_evaluate(operand, case, instants, weights, cache) for operand in node.operands]
        return np.logical_and.reduce(values) if node.operator == "and" else np.logical_or.reduce(
            values)
    if isinstance(node, Not):
        return ~_evaluate(node.operand, case, instants, weights, cache)
    if isinstance(node, Count):
        times = case.times[_mask(case, node.names)]
        counts = (np.searchsorted(times, instants, side="right")
                  - np.searchsorted(times, instants - node.window, side="right"))
        return _COMPARISONS[node.compare](counts, node.number)
    if isinstance(node, Absent):
        times = case.times[_mask(case, node.names)]
        recent = (np.searchsorted(times, instants, side="right")
                  - np.searchsorted(times, instants - node.window, side="right"))
        old_enough = instants - case.times[0] >= node.window - 1e-9
        return (recent == 0) & old_enough
    if isinstance(node, FollowedBy):
        first = case.times[case.activities == node.first]
        second = case.times[case.activities == node.second]
        if not len(first) or not len(second):
            return np.zeros(len(instants), dtype=bool)
        before = np.searchsorted(first, second, side="left") - 1
        gap = np.where(before >= 0, second - first[np.maximum(before, 0)], np.inf)
        hits = second[gap <= node.window]
        if not len(hits):
            return np.zeros(len(instants), dtype=bool)
        return instants >= hits.min()
    if isinstance(node, Health):
        if "health" not in cache:
            cache["health"] = _health_at(case, instants, weights)
        return _COMPARISONS[node.compare](cache["health"], node.number)
    raise TypeError(f"unknown rule node {node!r}")


def _absent_windows(node: object) -> list[Absent]:
    if isinstance(node, Absent):
        return [node]
    if isinstance(node, Not):
        return _absent_windows(node.operand)
    if isinstance(node, BoolOp):
        return [found for operand in node.operands for found in _absent_windows(operand)]
    return []


def evaluate_rules(events: pd.DataFrame, rules: RuleSet, *, until_days: float | None = None,
                   cutoff: dict[str, pd.Timestamp] | None = None, stages: set[str] | None = None,
                   weights: HealthWeights | None = None, check: bool = True,
                   known: set[str] | None = None) -> pd.DataFrame:
    """Run every rule on every case and return the alerts.

    Parameters
    ----------
    events
        A canonical events frame (see :func:`workbench.journeys.events.validate_log`).
    until_days
        Look only at each case's first ``until_days`` days.
    cutoff
        Per case, a moment after which nothing is looked at (events at it are excluded).
    stages
        Activities that are stage changes (for ``health``); default attrs kind ``stage``.
    check
        Reject rules whose activity names the log does not hold (``any`` always passes).
    known
        The activity names to check against instead of those in the log, e.g. a
        catalogue's :attr:`~workbench.journeys.catalogue.Catalogue.activities` for a
        simulated log in which a rare touchpoint has not happened yet.

    Returns
    -------
    pandas.DataFrame
        One row per (case, rule) that fired: case_id, rule_id, action, fired_at.
    """
    if check:
        rules.check_activities(known if known is not None
                               else set(events["activity"].astype(str).unique()))
    weights = weights or HealthWeights()
    case_ids, cases, epoch = _case_arrays(events, stages)
    limits = {}
    if cutoff:
        limits = {case: (pd.Timestamp(moment) - epoch).total_seconds() / 86_400
                  for case, moment in cutoff.items()}
    rows = []
    for case_id, case in zip(case_ids, cases, strict=True):
        end = case.times[-1]
        if until_days is not None:
            end = case.times[0] + until_days
        strict = None
        if case_id in limits and limits[case_id] <= end:
            end = strict = limits[case_id]
        keep = case.times < end if strict is not None else case.times <= end
        if not keep.all():
            case = _Case(case.times[keep], case.activities[keep], case.touch[keep],
                         case.contacts[keep], case.sentiment[keep],
                         np.flatnonzero(~case.touch[keep]))
        if not len(case.times):
            continue
        for rule in rules.rules:
            extra = [end]
            for absent in _absent_windows(rule.condition):
                times = case.times[_mask(case, absent.names)]
                extra.extend((np.concatenate([[case.times[0]], times]) + absent.window).tolist())
            instants = np.unique(np.concatenate([case.times, np.array(extra)]))
            instants = instants[instants <= end + 1e-12]
            if strict is not None:
                instants = instants[instants < strict]
            if not len(instants):
                continue
            fired = _evaluate(rule.condition, case, instants, weights, {})
            if fired.any():
                moment = instants[int(np.argmax(fired))]
                rows.append((case_id, rule.id, rule.action,
                             epoch + pd.to_timedelta(round(moment * 86_400), unit="s")))
    return pd.DataFrame(rows, columns=["case_id", "rule_id", "action", "fired_at"])


def score_early_warning(events: pd.DataFrame, rules: RuleSet, *, days: float = 7.0,
                        outcomes: tuple[str, ...] = ("A_CANCELLED", "A_DECLINED"),
                        decided: tuple[str, ...] = ("A_CANCELLED", "A_DECLINED", "A_APPROVED",
                                                    "A_REGISTERED", "A_ACTIVATED"),
                        stages: set[str] | None = None) -> dict:
    """Measure how well rules on each case's first ``days`` days predict a bad outcome.

    A case is positive when any of ``outcomes`` ever occurs in it. Rules see only the
    events before the first outcome event and within the first ``days`` days, so the
    outcome itself (or the silence after it) cannot trigger a rule. Figures are given for
    all cases and for the cases still undecided (none of ``decided``) at day ``days``.

    Returns
    -------
    dict
        ``all`` and ``open_at_cutoff``: each with cases, positives, alerted, precision,
        recall and per-rule precision and recall.
    """
    frame = events.sort_values(["case_id", "timestamp"], kind="stable")
    start = frame.groupby("case_id")["timestamp"].min()
    outcome_time = frame[frame["activity"].isin(outcomes)].groupby("case_id")["timestamp"].min()
    decided_time = frame[frame["activity"].isin(decided)].groupby("case_id")["timestamp"].min()
    truth = pd.Series(start.index.isin(outcome_time.index), index=start.index)
    rules.check_activities(set(frame["activity"].astype(str).unique()))
    alerts = evaluate_rules(frame, rules, until_days=days, cutoff=outcome_time.to_dict(),
                            stages=stages, check=False)
    horizon = start + pd.Timedelta(days=days)
    open_cases = start.index[~(decided_time.reindex(start.index) <= horizon).fillna(False)
                             .astype(bool)]
    return {"days": days, "outcomes": list(outcomes),
            "all": _confusion(truth, alerts, rules),
            "open_at_cutoff": _confusion(truth.loc[open_cases],
                                         alerts[alerts["case_id"].isin(open_cases)], rules)}


def _confusion(truth: pd.Series, alerts: pd.DataFrame, rules: RuleSet) -> dict:
    def figures(alerted_cases: set) -> dict:
        predicted = truth.index.isin(list(alerted_cases))
        true_positive = int((predicted & truth.to_numpy()).sum())
        alerted = int(predicted.sum())
        return {"alerted": alerted,
                "precision": round(true_positive / alerted, 4) if alerted else None,
                "recall": round(true_positive / float(truth.sum()), 4) if truth.any() else None}

    summary = {"cases": int(len(truth)), "positives": int(truth.sum()),
               **figures(set(alerts["case_id"]))}
    summary["rules"] = {rule.id: figures(set(alerts.loc[alerts["rule_id"] == rule.id, "case_id"]))
                        for rule in rules.rules}
    return summary
