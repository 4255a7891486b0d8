"""Reads for classes. Every function issues a fixed number of queries, whatever the number of
students, lessons or answers: progress is read as aggregates grouped by (student, lesson) or
(question), never row by row per student."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from learn.classrooms.answers import answer_fragments, answer_text, right_fragments
from learn.classrooms.models import Classroom, LiveQuestion, Membership, Removal
from learn.content.models import Lesson, Module, Question
from learn.content.parser import normalise_text_answer
from learn.content.version import course_version
from learn.core.freshness import generations, learner_gen_key
from learn.progress.learner import Learner
from learn.progress.models import Attempt, LessonMark, QuestionState

SORTS = ("name", "done", "accuracy", "last")
DEFAULT_IDLE_DAYS = 3
LOW_ACCURACY = 50  # percent of tries right, below which a learner is flagged in a lesson
LOW_ACCURACY_MIN_TRIES = 3
HIGH_ACCURACY = 80  # percent of tries right from which a lesson counts as well done


def student_ids(classroom: Classroom) -> QuerySet[Membership, Any]:
    """A subquery of the class's student ids (used inside other queries, never evaluated)."""
    return Membership.objects.filter(classroom=classroom, role=Membership.STUDENT).values("user_id")


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# --- Dashboard ---------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    """One student in one lesson. `state` follows learn.progress.selectors.LessonStatus."""

    lesson: Lesson
    solved: int = 0
    touched: int = 0
    tries: int = 0
    correct: int = 0
    marked: bool = False
    state: str = "not-started"
    label: str = "–"
    accuracy: int | None = None

    def finish(self) -> Cell:
        total = self.lesson.question_count
        done = self.marked if total == 0 else self.solved >= total
        self.state = "done" if done else ("in-progress" if self.touched else "not-started")
        self.accuracy = _percent(self.correct, self.tries)
        if total == 0:
            self.label = "read" if done else "–"
        elif done:
            self.label = f"✓ {self.accuracy}%"
        elif self.tries:
            self.label = f"{self.solved}/{total} · {self.accuracy}%"
        return self

    @property
    def band(self) -> str:
        """How well a started lesson went, for the cell's colour: one green for 39% and 100%
        would hide who needs help. Thresholds match "Who is stuck" (LOW_ACCURACY)."""
        if self.accuracy is None:
            return ""
        if self.accuracy >= HIGH_ACCURACY:
            return "band-high"
        return "band-mid" if self.accuracy >= LOW_ACCURACY else "band-low"

    @property
    def rank(self) -> tuple[int, int, int]:
        order = {"done": 2, "in-progress": 1, "not-started": 0}[self.state]
        return (order, self.solved, self.accuracy if self.accuracy is not None else -1)


@dataclass(slots=True)
class StudentRow:
    user: Any
    joined_at: datetime
    cells: list[Cell]
    done: int = 0
    tries: int = 0
    correct: int = 0
    last_at: datetime | None = None
    accuracy: int | None = None
    stuck: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        full = self.user.get_full_name()
        return f"{full} ({self.user.username})" if full else self.user.username


@dataclass(slots=True)
class LessonTotal:
    lesson: Lesson
    done: int = 0
    started: int = 0
    tries: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> int | None:
        return _percent(self.correct, self.tries)


@dataclass
class Dashboard:
    classroom: Classroom
    lessons: list[Lesson]
    modules: list[tuple[Module, int]]  # module and how many lessons (columns) it spans
    rows: list[StudentRow]
    totals: list[LessonTotal]
    instructors: list[Any]
    sort: str
    direction: str
    idle_days: int
    now: datetime

    @property
    def student_count(self) -> int:
        return len(self.rows)

    @property
    def stuck(self) -> list[StudentRow]:
        return [row for row in self.rows if row.stuck]

    @property
    def lessons_done(self) -> int:
        return sum(total.done for total in self.totals)

    @property
    def accuracy(self) -> int | None:
        return _percent(sum(t.correct for t in self.totals), sum(t.tries for t in self.totals))


def _sort_key(sort: str) -> Any:
    if sort == "done":
        return lambda r: (r.done, r.accuracy if r.accuracy is not None else -1)
    if sort == "accuracy":
        return lambda r: (r.accuracy if r.accuracy is not None else -1, r.done)
    if sort == "last":
        return lambda r: r.last_at.timestamp() if r.last_at else 0.0
    if sort.startswith("lesson-"):
        slug = sort.removeprefix("lesson-")

        def by_lesson(row: StudentRow) -> tuple[int, int, int]:
            for cell in row.cells:
                if cell.lesson.slug == slug:
                    return cell.rank
            return (0, 0, 0)

        return by_lesson
    return lambda r: r.user.username.lower()


def clean_sort(sort: str, lessons: list[Lesson]) -> str:
    if sort in SORTS or (
        sort.startswith("lesson-") and any(f"lesson-{lesson.slug}" == sort for lesson in lessons)
    ):
        return sort
    return "name"


_ProgressKey = tuple[int, int]
_Progress = tuple[
    dict[_ProgressKey, tuple[int, int, int, int, datetime]], dict[_ProgressKey, datetime]
]
# Per process, the last progress read of a few classes, under the version it was read at.
# Per class: (memberships, lessons), each student's token, the rows.
_progress_cache: OrderedDict[int, tuple[tuple[Any, ...], dict[int, str], _Progress]] = OrderedDict()
_progress_lock = threading.Lock()
PROGRESS_CACHE_CLASSES = 32


def _class_progress(
    classroom: Classroom, students: list[Membership], lessons: list[Lesson]
) -> _Progress:
    """The class's question states grouped by (student, lesson) and its lesson marks: the
    dashboard's two big queries. They are kept per process under the generation tokens of
    learn/core/freshness.py: every student's own (replaced after any write of their question
    states, marks or attempts, by request or by signal), plus the memberships themselves
    (members joining, leaving or removed) and the lessons' ids and question counts (a
    course sync retiring a question). The tokens are read before the queries, so a write
    racing them leaves its rows under a token that is already dead: at worst a miss, never
    an old board. Without a shared cache (settings.SHARED_CACHE "none") every token is new
    on every read: never a hit. When only some students' tokens changed, only their rows
    are read again."""
    keys = {m.user_id: learner_gen_key(Learner(user_id=m.user_id)) for m in students}
    tokens = generations(list(keys.values()))
    # Not the world's token: every live answer in any class replaces it, which would make
    # every refresh of a live class read everyone. What it stands for here (who is in the
    # class) is the memberships themselves, read fresh on every refresh.
    base = (
        # A recreated database reusing the ids never meets the old class's rows.
        tuple((m.pk, m.user_id, m.joined_at) for m in students),
        tuple((lesson.pk, lesson.question_count) for lesson in lessons),
        # A sync that retires one question and adds another keeps a lesson's count but
        # changes which states count: the course version changes with every sync.
        course_version(),
    )
    students_now = {user_id: tokens[key] for user_id, key in keys.items()}
    with _progress_lock:
        hit = _progress_cache.get(classroom.pk)
    if hit is not None and hit[0] == base:
        # Only the students whose token changed (those who answered) are read again.
        old_tokens, (old_grouped, old_marks) = hit[1], hit[2]
        changed = [u for u, token in students_now.items() if old_tokens.get(u) != token]
        if not changed:
            return old_grouped, old_marks
        fresh_grouped, fresh_marks = _progress_rows(changed)
        dropped = set(changed)
        grouped = {k: v for k, v in old_grouped.items() if k[0] not in dropped}
        grouped.update(fresh_grouped)
        marks = {k: v for k, v in old_marks.items() if k[0] not in dropped}
        marks.update(fresh_marks)
    else:
        grouped, marks = _progress_rows(student_ids(classroom))
    with _progress_lock:
        _progress_cache[classroom.pk] = (base, students_now, (grouped, marks))
        _progress_cache.move_to_end(classroom.pk)
        while len(_progress_cache) > PROGRESS_CACHE_CLASSES:
            _progress_cache.popitem(last=False)
    return grouped, marks


def _progress_rows(user_ids: Any) -> _Progress:
    """Question states grouped by (student, lesson), and lesson marks, of these students."""
    counts = (
        QuestionState.objects.filter(
            user_id__in=user_ids, question__retired=False, question__lesson__retired=False
        )
        .values_list("user_id", "question__lesson_id")
        .annotate(
            solved=Count("id", filter=Q(solved_at__isnull=False)),
            touched=Count("id"),
            tries=Sum("tries"),
            correct=Sum("correct_tries"),
            last=Max("last_at"),
        )
        .order_by()
    )
    grouped = {
        (user_id, lesson_id): (solved, touched, tries or 0, correct or 0, last)
        for user_id, lesson_id, solved, touched, tries, correct, last in counts
    }
    marks = {
        (user_id, lesson_id): done_at
        for user_id, lesson_id, done_at in LessonMark.objects.filter(
            user_id__in=user_ids, lesson__retired=False
        ).values_list("user_id", "lesson_id", "done_at")
    }
    return grouped, marks


def classroom_dashboard(
    classroom: Classroom,
    *,
    sort: str = "name",
    direction: str = "asc",
    idle_days: int = DEFAULT_IDLE_DAYS,
) -> Dashboard:
    """Four queries (members, lessons, grouped question states, lesson marks), two when no
    student's progress changed since the last call (see _class_progress)."""
    now = timezone.now()
    members = list(
        Membership.objects.filter(classroom=classroom)
        .select_related("user")
        .order_by("user__username")
    )
    students = [m for m in members if m.role == Membership.STUDENT]
    instructors = [m.user for m in members if m.role == Membership.INSTRUCTOR]
    lessons = list(Lesson.objects.in_path_order())
    grouped, marks = _class_progress(classroom, students, lessons)

    totals = [LessonTotal(lesson) for lesson in lessons]
    idle_since = now - timedelta(days=idle_days)
    rows: list[StudentRow] = []
    for membership in students:
        user_id = membership.user_id
        row = StudentRow(membership.user, membership.joined_at, [])
        for lesson, total in zip(lessons, totals, strict=True):
            key = (user_id, lesson.pk)
            found = grouped.get(key)
            mark = marks.get(key)
            if found is None and mark is None:
                row.cells.append(Cell(lesson))
                continue
            solved, touched, tries, correct, last = found or (0, 0, 0, 0, None)
            cell = Cell(lesson, solved, touched, tries, correct, mark is not None).finish()
            row.cells.append(cell)
            for moment in (last, mark):
                if moment is not None and (row.last_at is None or moment > row.last_at):
                    row.last_at = moment
            row.tries += tries
            row.correct += correct
            total.tries += tries
            total.correct += correct
            if cell.state == "done":
                row.done += 1
                total.done += 1
            if cell.state != "not-started":
                total.started += 1
            if (
                cell.state != "done"
                and tries >= LOW_ACCURACY_MIN_TRIES
                and cell.accuracy is not None
                and cell.accuracy < LOW_ACCURACY
            ):
                row.stuck.append(f"{cell.accuracy}% right over {tries} tries in “{lesson.title}”")
        row.accuracy = _percent(row.correct, row.tries)
        if row.last_at is None:
            row.stuck.insert(0, "has not started")
        elif row.last_at < idle_since:
            days = (now - row.last_at).days
            row.stuck.insert(0, f"no activity for {days} day{'s' if days != 1 else ''}")
        rows.append(row)

    sort = clean_sort(sort, lessons)
    direction = "desc" if direction == "desc" else "asc"
    rows.sort(key=lambda r: r.user.username.lower())
    if sort != "name" or direction == "desc":
        rows.sort(key=_sort_key(sort), reverse=direction == "desc")

    modules: list[tuple[Module, int]] = []
    for lesson in lessons:
        if modules and modules[-1][0].pk == lesson.module_id:
            modules[-1] = (modules[-1][0], modules[-1][1] + 1)
        else:
            modules.append((lesson.module, 1))
    return Dashboard(
        classroom=classroom,
        lessons=lessons,
        modules=modules,
        rows=rows,
        totals=totals,
        instructors=instructors,
        sort=sort,
        direction=direction,
        idle_days=idle_days,
        now=now,
    )


# --- Per-question analysis ----------------------------------------------------------------


@dataclass
class QuestionStats:
    question: Question
    tried: int = 0
    first_right: int = 0
    solved: int = 0
    tries: int = 0
    wrong_answer: str = ""
    wrong_fragments: list[str] = field(default_factory=list)
    wrong_count: int = 0

    @property
    def first_try_share(self) -> int | None:
        return _percent(self.first_right, self.tried)

    @property
    def tries_per_learner(self) -> float | None:
        return round(self.tries / self.tried, 1) if self.tried else None

    @property
    def hardness(self) -> tuple[int, float, float]:
        """Sort key, hardest first: untried last, then lowest first-try share, most tries."""
        if not self.tried:
            return (1, 0.0, 0.0)
        return (0, self.first_right / self.tried, -self.tries / self.tried)


def question_analysis(classroom: Classroom) -> tuple[list[QuestionStats], int]:
    """Every active question with the class's numbers, hardest first; and the class size.
    Four queries: questions, class size, grouped states, grouped wrong answers."""
    questions = list(Question.objects.active().select_related("lesson"))
    size = Membership.objects.filter(classroom=classroom, role=Membership.STUDENT).count()
    ids = student_ids(classroom)
    stats = {q.pk: QuestionStats(q) for q in questions}
    rows = (
        QuestionState.objects.filter(
            user_id__in=ids, question__retired=False, question__lesson__retired=False
        )
        .values_list("question_id")
        .annotate(
            tried=Count("id", filter=Q(tries__gt=0)),
            first=Count("id", filter=Q(first_try_correct=True)),
            solved=Count("id", filter=Q(solved_at__isnull=False)),
            tries=Sum("tries"),
        )
        .order_by()
    )
    for question_id, tried, first, solved, tries in rows:
        item = stats[question_id]
        item.tried, item.first_right, item.solved, item.tries = tried, first, solved, tries or 0
    wrong = (
        Attempt.objects.filter(
            user_id__in=ids,
            is_correct=False,
            question__retired=False,
            question__lesson__retired=False,
        )
        .exclude(question__kind=Question.LAB)
        .values_list("question_id", "answer")
        .annotate(learners=Count("user_id", distinct=True))
        .order_by()
    )
    tallies: dict[int, Counter[str]] = defaultdict(Counter)
    samples: dict[tuple[int, str], dict[str, Any]] = {}
    for question_id, answer, learners in wrong:
        # Typed answers differ in case and spacing; count them the way grading compares them.
        label = (
            normalise_text_answer(str(answer["text"]))
            if "text" in answer
            else answer_text(stats[question_id].question, answer)
        )
        tallies[question_id][label] += learners
        samples.setdefault((question_id, label), answer)
    for question_id, tally in tallies.items():
        label, count = max(tally.items(), key=lambda kv: (kv[1], kv[0]))
        item = stats[question_id]
        item.wrong_answer, item.wrong_count = label, count
        sample = samples[(question_id, label)]
        if "text" not in sample:
            item.wrong_fragments = answer_fragments(item.question, sample)
    ordered = sorted(
        stats.values(),
        key=lambda s: (s.hardness, s.question.lesson.position, s.question.position),
    )
    return ordered, size


# --- One student, read-only -------------------------------------------------------------


@dataclass
class ReviewedAnswer:
    question: Question
    state: QuestionState

    @property
    def answer_html(self) -> list[str]:
        return answer_fragments(self.question, self.state.last_answer)

    @property
    def right_html(self) -> list[str]:
        return right_fragments(self.question)


@dataclass
class StudentReview:
    student: Any
    joined_at: datetime
    lessons: list[tuple[Lesson, list[ReviewedAnswer]]]
    answered: int
    right: int
    tries: int
    correct_tries: int
    last_at: datetime | None

    @property
    def accuracy(self) -> int | None:
        return _percent(self.correct_tries, self.tries)


def student_review(classroom: Classroom, *, user_id: int) -> StudentReview:
    """A student of the class and every question they answered, in path order. Two queries.
    Http404 for anyone who is not a student of this class."""
    membership = (
        Membership.objects.filter(classroom=classroom, user_id=user_id, role=Membership.STUDENT)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("No such student in this class")
    states = (
        QuestionState.objects.filter(
            user_id=user_id, question__retired=False, question__lesson__retired=False
        )
        .select_related("question__lesson")
        .order_by("question__lesson__position", "question__position")
    )
    lessons: list[tuple[Lesson, list[ReviewedAnswer]]] = []
    answered = right = tries = correct = 0
    last_at = None
    for state in states:
        lesson = state.question.lesson
        if not lessons or lessons[-1][0].pk != lesson.pk:
            lessons.append((lesson, []))
        lessons[-1][1].append(ReviewedAnswer(state.question, state))
        answered += 1
        right += int(state.last_correct)
        tries += state.tries
        correct += state.correct_tries
        last_at = state.last_at if last_at is None else max(last_at, state.last_at)
    return StudentReview(
        membership.user, membership.joined_at, lessons, answered, right, tries, correct, last_at
    )


def removed_students(classroom: Classroom) -> list[Removal]:
    """Who an instructor removed from the class, latest first. One query."""
    return list(Removal.objects.filter(classroom=classroom).select_related("user", "removed_by"))


# --- Live question ----------------------------------------------------------------------


def current_live(classroom: Classroom) -> LiveQuestion | None:
    return (
        LiveQuestion.objects.filter(classroom=classroom, ended_at__isnull=True)
        .select_related("question__lesson")
        .first()
    )


@dataclass
class Bar:
    label: str
    fragments: list[str]
    count: int
    right: bool


@dataclass
class LiveResults:
    live: LiveQuestion
    class_size: int
    answered: int
    right_first: int
    right_now: int
    bars: list[Bar]
    answered_ids: frozenset[int] = frozenset()

    @property
    def waiting(self) -> int:
        return max(self.class_size - self.answered, 0)


def live_results(classroom: Classroom, live: LiveQuestion) -> LiveResults:
    """The distribution of the class's first answers since the question was pushed (a first
    answer is what the learner thought, before the feedback taught them), up to the moment
    answers closed (Close answers or the countdown). Two queries."""
    question = live.question
    size = Membership.objects.filter(classroom=classroom, role=Membership.STUDENT).count()
    attempts = (
        _live_attempts(live)
        .filter(user_id__in=student_ids(classroom))
        .order_by("created_at", "pk")
        .values_list("user_id", "answer", "is_correct")
    )
    first: dict[int, tuple[dict[str, Any], bool]] = {}
    right_now: set[int] = set()
    for user_id, answer, is_correct in attempts:
        first.setdefault(user_id, (answer, is_correct))
        if is_correct:
            right_now.add(user_id)
    bars: list[Bar] = []
    if question.kind in (Question.SINGLE, Question.MULTIPLE):
        picked = Counter(k for answer, _ in first.values() for k in answer.get("choices", []))
        correct = set(question.data.get("correct", []))
        for choice in question.data.get("choices", []):
            key = choice["key"]
            bars.append(Bar("", [choice["html"]], picked[key], key in correct))
    elif question.kind == Question.LAB:
        passed = sum(1 for _, ok in first.values() if ok)
        bars = [
            Bar("Every check passed", [], passed, True),
            Bar("Some check failed", [], len(first) - passed, False),
        ]
    else:
        tally: Counter[str] = Counter()
        shown: dict[str, tuple[dict[str, Any], bool]] = {}
        for answer, ok in first.values():
            label = (
                normalise_text_answer(str(answer.get("text", "")))
                if question.kind == Question.TEXT
                else answer_text(question, answer)
            )
            tally[label] += 1
            shown.setdefault(label, (answer, ok))
        for label, count in tally.most_common(8):
            answer, ok = shown[label]
            fragments = answer_fragments(question, answer) if "order" in answer else []
            bars.append(Bar(label, fragments, count, ok))
    right_first = sum(1 for _, ok in first.values() if ok)
    return LiveResults(live, size, len(first), right_first, len(right_now), bars, frozenset(first))


def _live_attempts(live: LiveQuestion) -> QuerySet[Attempt, Any]:
    """Attempts at the live question that count for it: from the push until answers closed."""
    attempts = Attempt.objects.filter(question_id=live.question_id, created_at__gte=live.started_at)
    end = live.answers_end
    return attempts.filter(created_at__lte=end) if end is not None else attempts


@dataclass
class Roll:
    """Who of the class has answered the live question, and who has not, by name."""

    answered: list[str]
    waiting: list[str]


def live_roll(classroom: Classroom, answered_ids: frozenset[int]) -> Roll:
    """The class's students split by whether they answered (ids from live_results). One query."""
    answered: list[str] = []
    waiting: list[str] = []
    for user_id, username in (
        Membership.objects.filter(classroom=classroom, role=Membership.STUDENT)
        .order_by("user__username")
        .values_list("user_id", "user__username")
    ):
        (answered if user_id in answered_ids else waiting).append(username)
    return Roll(answered, waiting)


def live_answer_for(live: LiveQuestion, *, user_id: int | None) -> Attempt | None:
    """The student's answer that counted for the live question: their first one after the
    push and before answers closed, the same one the distribution counts. One query."""
    if user_id is None:
        return None
    return _live_attempts(live).filter(user_id=user_id).order_by("created_at", "pk").first()


def live_state_for(live: LiveQuestion, *, user_id: int | None) -> QuestionState | None:
    """The student's state on the live question, only if they answered it since the push:
    an answer from weeks ago in the lesson is not an answer to this live question."""
    if user_id is None:
        return None
    return QuestionState.objects.filter(
        user_id=user_id, question_id=live.question_id, last_at__gte=live.started_at
    ).first()


# --- Lists and pacing --------------------------------------------------------------------


@dataclass
class MyClassrooms:
    teaching: list[tuple[Classroom, int]]  # class and its number of students
    attending: list[tuple[Classroom, bool]]  # class and whether a live question is open


def classrooms_for(user: Any) -> MyClassrooms:
    """Three queries: memberships, class sizes, open live questions."""
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("classroom")
        .order_by("-classroom__created_at", "-classroom_id")
    )
    teaching_ids = [m.classroom_id for m in memberships if m.role == Membership.INSTRUCTOR]
    attending_ids = [m.classroom_id for m in memberships if m.role == Membership.STUDENT]
    sizes: dict[int, int] = {}
    if teaching_ids:
        sizes = dict(
            Membership.objects.filter(classroom_id__in=teaching_ids, role=Membership.STUDENT)
            .values_list("classroom_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    live: set[int] = set()
    if attending_ids:
        live = set(
            LiveQuestion.objects.filter(
                classroom_id__in=attending_ids, ended_at__isnull=True
            ).values_list("classroom_id", flat=True)
        )
    return MyClassrooms(
        teaching=[
            (m.classroom, sizes.get(m.classroom_id, 0))
            for m in memberships
            if m.role == Membership.INSTRUCTOR
        ],
        attending=[
            (m.classroom, m.classroom_id in live)
            for m in memberships
            if m.role == Membership.STUDENT
        ],
    )


def pacing_limit(user: Any) -> int | None:
    """The last lesson position `user` may open, or None when nothing is locked for them.

    Only students of guided classes are paced. A learner in several classes gets the most
    open of them: a class that is self-paced, or that opens a lesson, is not overruled by
    another class's instructor. No query for anonymous visitors; one otherwise."""
    if user is None or not user.is_authenticated:
        return None
    limits = list(
        Membership.objects.filter(user=user, role=Membership.STUDENT).values_list(
            "classroom__open_through__position", flat=True
        )
    )
    if not limits or any(limit is None for limit in limits):
        return None
    return max(limits)
