"""Issue 14.1: the position of a right choice carries no information.

An attack answered the first radio of every single-choice question and got 61 of 61 right,
because the authors wrote the right choice first and the page showed source order."""

from __future__ import annotations

from collections import Counter

from learn.content.models import Question
from learn.content.services import course_sync


def test_over_the_course_no_position_gives_the_answer_away(db) -> None:
    # One sync of the real course serves every check (a sync takes seconds).
    course_sync()
    questions = list(Question.objects.filter(retired=False))
    first_choice_scores_no_better_than_chance(questions)
    first_n_choices_do_not_solve_multiple_choice(questions)
    order_questions_are_never_shown_in_the_right_order(questions)
    # The shown order is stable: a second sync changes nothing, so the cached skeleton and
    # every learner's page agree.
    assert not course_sync().changed


def first_choice_scores_no_better_than_chance(real_questions: list[Question]) -> None:
    singles = [q for q in real_questions if q.kind == Question.SINGLE]
    assert len(singles) > 30
    positions = Counter(
        [c["key"] for c in q.data["choices"]].index(q.data["correct"][0]) for q in singles
    )
    chance = sum(1 / len(q.data["choices"]) for q in singles)
    # No position holds the right choice much more often than chance would put it there.
    for position, count in positions.items():
        assert count <= 1.6 * chance, (position, count, chance, positions)
    assert positions[0] <= 1.6 * chance


def first_n_choices_do_not_solve_multiple_choice(real_questions: list[Question]) -> None:
    multiples = [q for q in real_questions if q.kind == Question.MULTIPLE]
    assert multiples
    solved_by_prefix = 0
    for q in multiples:
        keys = [c["key"] for c in q.data["choices"]]
        if set(keys[: len(q.data["correct"])]) == set(q.data["correct"]):
            solved_by_prefix += 1
    assert solved_by_prefix <= len(multiples) // 2, (solved_by_prefix, len(multiples))


def order_questions_are_never_shown_in_the_right_order(real_questions: list[Question]) -> None:
    orders = [q for q in real_questions if q.kind == Question.ORDER]
    assert orders
    for q in orders:
        assert [s["key"] for s in q.data["steps"]] != q.data["correct"], q.key
