"""The victim risk assessment of a case: a configurable matrix of weighted yes/no questions scored to standard,
medium or high. The default is the set of victim risk questions many partnerships use (repeat targeting, hate,
vulnerability, health, fear, isolation, threats, harm to children, property); a partnership may give its own as a
JSON file (AIM_CASE_RISK_MATRIX): {"questions": [{"id", "text", "weight", "critical"}], "medium": n, "high": n}."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from api.services.errors import ParameterError

ANSWERS = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Question:
    """One question: yes scores its weight; a critical question answered yes makes the level high on its own."""

    id: str
    text: str
    weight: int = 1
    critical: bool = False


@dataclass(frozen=True)
class RiskMatrix:
    """The questions and the scores at which the level is medium and high."""

    name: str
    questions: tuple[Question, ...]
    medium: int
    high: int


DEFAULT_MATRIX = RiskMatrix(
    name="standard victim risk questions (AIM default)",
    questions=(
        Question("repeat", "Has the victim been targeted repeatedly (three or more times in the last 12 months)?", 2),
        Question(
            "hate",
            "Does the victim feel targeted because of who they are (disability, race, religion, "
            "sexual orientation, gender identity, age)?",
            2,
        ),
        Question(
            "vulnerable",
            "Is the victim vulnerable: a disability, a physical or mental health condition, age or other circumstance?",
            2,
        ),
        Question("health", "Is the behaviour affecting the victim's physical or mental health or sleep?", 1),
        Question("fear", "Is the victim afraid to leave the home, or have they changed their routine?", 1),
        Question("isolated", "Does the victim live alone or feel isolated, without support from family or friends?", 1),
        Question("threats", "Has the victim been threatened with, or suffered, violence?", 3, critical=True),
        Question("children", "Are children in the household affected?", 1),
        Question("property", "Has the victim's home, vehicle or property been damaged or targeted?", 1),
        Question("moving", "Is the victim thinking of moving because of the behaviour?", 1),
        Question("known", "Does the perpetrator live nearby or know where the victim lives?", 1),
        Question("unresolved", "Has the victim reported before and feels nothing has been done?", 1),
    ),
    medium=5,
    high=10,
)


def load_matrix(path: Path | None) -> RiskMatrix:
    """The partnership's matrix from its JSON file, or the default."""
    if path is None:
        return DEFAULT_MATRIX
    data = json.loads(path.read_text(encoding="utf-8"))
    questions = tuple(
        Question(str(q["id"]), str(q["text"]), int(q.get("weight", 1)), bool(q.get("critical", False)))
        for q in data["questions"]
    )
    if not questions or len({q.id for q in questions}) != len(questions):
        raise ValueError(f"{path}: a risk matrix needs questions with distinct ids")
    medium, high = int(data["medium"]), int(data["high"])
    if not 0 < medium <= high:
        raise ValueError(f"{path}: the medium score is above 0 and at most the high score")
    return RiskMatrix(str(data.get("name", path.stem)), questions, medium, high)


def level_of(score: int, critical: bool, matrix: RiskMatrix) -> str:
    """standard, medium or high."""
    if critical or score >= matrix.high:
        return "high"
    return "medium" if score >= matrix.medium else "standard"


def assess(answers: dict[str, Any], matrix: RiskMatrix, on: date, by: str) -> dict[str, Any]:
    """Score the answers (yes, no or unknown to each question; unanswered is unknown): the score, the level and
    the questions answered yes, with the matrix it was read against."""
    ids = {q.id for q in matrix.questions}
    unknown = sorted(set(answers) - ids)
    if unknown:
        raise ParameterError("answers", f"not a question of the matrix: {', '.join(unknown)}")
    bad = sorted(k for k, v in answers.items() if v not in ANSWERS)
    if bad:
        raise ParameterError("answers", f"answer {', '.join(bad)} with yes, no or unknown")
    full = {q.id: answers.get(q.id, "unknown") for q in matrix.questions}
    yes = [q for q in matrix.questions if full[q.id] == "yes"]
    score = sum(q.weight for q in yes)
    critical = any(q.critical for q in yes)
    return {
        "answers": full,
        "score": score,
        "level": level_of(score, critical, matrix),
        "reasons": [q.text for q in yes],
        "matrix": {"name": matrix.name, "medium": matrix.medium, "high": matrix.high},
        "assessed_on": on.isoformat(),
        "assessed_by": by,
    }


def describe(matrix: RiskMatrix) -> dict[str, Any]:
    """The matrix as the API shows it."""
    return {
        "name": matrix.name,
        "medium": matrix.medium,
        "high": matrix.high,
        "questions": [
            {"id": q.id, "text": q.text, "weight": q.weight, "critical": q.critical} for q in matrix.questions
        ],
    }
