#!/usr/bin/env python
"""Server time of the instructor dashboard for a big class over the whole course.

Not a test (timings depend on the machine): it builds a throwaway database, fills it with
STUDENTS learners who have each answered every question of the course, then renders the
dashboard RUNS times through Django's test client (the full request: middleware, gate,
selector, template) and prints p50/p95 and the query count.

    .venv/bin/python scripts/bench_dashboard.py                  # SQLite in a temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learn \\
        .venv/bin/python scripts/bench_dashboard.py              # a throwaway PostgreSQL DB

The course is lessons/ when it syncs cleanly, else (or with --synthetic) a generated course of
--modules x --lessons lessons with --questions questions each. Aim: p50 under 300 ms for 200
students x the whole course.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.settings_test")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--synthetic", action="store_true", help="skip lessons/, generate a course")
    parser.add_argument("--modules", type=int, default=5)
    parser.add_argument("--lessons", type=int, default=6, help="lessons per module (synthetic)")
    parser.add_argument("--questions", type=int, default=4, help="questions per lesson (synthetic)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    # Never the test suite's database name: a parallel `make test` must not be clobbered.
    test_settings = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(tmp / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"bench_dashboard_{os.getpid()}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args, tmp)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: argparse.Namespace, tmp: Path) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from learn.classrooms.demo import simulate_progress, write_synthetic_course
    from learn.classrooms.models import Membership
    from learn.classrooms.selectors import _progress_cache as progress_cache
    from learn.classrooms.selectors import classroom_dashboard
    from learn.classrooms.services import classroom_create, instructor_grant
    from learn.content.models import Lesson, Question
    from learn.content.services import course_sync
    from learn.core.freshness import bump

    source = "lessons/"
    if not args.synthetic:
        try:
            course_sync()
        except Exception as exc:  # noqa: BLE001 - any failure means: use a generated course
            print(f"lessons/ did not sync ({type(exc).__name__}: {exc}); using a synthetic course")
            args.synthetic = True
    if args.synthetic:
        write_synthetic_course(
            tmp / "lessons", modules=args.modules, lessons=args.lessons, questions=args.questions
        )
        course_sync(root=tmp / "lessons")
        source = "synthetic"
    lessons = Lesson.objects.active().count()
    questions = Question.objects.active().count()

    users = get_user_model().objects
    teacher = users.create_user("bench-teacher")
    instructor_grant(user=teacher)
    classroom = classroom_create(instructor=teacher, name="Benchmark class")
    students = users.bulk_create(
        users.model(username=f"bench-{n:04d}") for n in range(args.students)
    )
    Membership.objects.bulk_create(
        Membership(classroom=classroom, user=u, role=Membership.STUDENT) for u in students
    )
    started = time.perf_counter()
    attempts = simulate_progress(students, rng=random.Random(7), everything=True)
    built = time.perf_counter() - started

    client = Client()
    client.force_login(teacher)
    url = f"/classrooms/{classroom.pk}/"

    def timed(**headers: str) -> tuple[float, int]:
        start = time.perf_counter()
        response = client.get(url, **headers)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed * 1000, len(response.content)

    cpu_start = time.process_time()
    for _ in range(3):
        timed()  # warm caches: templates, the connection, the database's pages
    # Counted with a wrapper, not CaptureQueriesContext: each request clears the query log.
    queries: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
    ):
        _, size = timed()
    page = [timed()[0] for _ in range(args.runs)]
    poll = [timed(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")[0] for _ in range(args.runs)]
    # Refreshes after students answered: their progress is read from the database again (its
    # cached copy is under their replaced tokens of learn/core/freshness.py).
    changed = []
    for _ in range(args.runs):
        bump(f"gen:u:{student.pk}" for student in students)  # all answered: all read again
        changed.append(timed(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")[0])
    answered = []  # three students answered since the last refresh: only they are read again
    for run_no in range(args.runs):
        bump(f"gen:u:{students[(run_no * 3 + k) % len(students)].pk}" for k in range(3))
        answered.append(timed(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="board")[0])
    selector = []
    for _ in range(args.runs):
        progress_cache.clear()  # uncached, as measured before the per-process progress cache
        start = time.perf_counter()
        classroom_dashboard(classroom)
        selector.append((time.perf_counter() - start) * 1000)

    engine = connection.vendor
    print(
        f"database: {engine} · course: {source}, {lessons} lessons, {questions} questions · "
        f"{args.students} students, {attempts} attempts (built in {built:.1f} s)"
    )
    print(f"dashboard page: {size // 1024} KB, {len(queries)} queries per request")
    series = (
        ("full page", page),
        ("htmx poll", poll),
        ("poll, all answered", changed),
        ("poll, 3 answered", answered),
        ("selector only", selector),
    )
    for name, values in series:
        print(
            f"  {name:19s} p50 {percentile(values, 50):6.1f} ms · p95 {percentile(values, 95):6.1f}"
            f" ms · max {max(values):6.1f} ms · mean {statistics.mean(values):6.1f} ms"
            f" ({len(values)} runs)"
        )
    print(f"process CPU time for all of the above: {time.process_time() - cpu_start:.2f} s")
    verdict = "under" if percentile(page, 50) < 300 else "OVER"
    print(f"target: p50 under 300 ms for the full page: {verdict}")


if __name__ == "__main__":
    main()
