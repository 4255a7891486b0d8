"""Dockerfile instruction errors (learn/sim/docker/dockerfile.py, build.py) against BuildKit's
frontend/dockerfile/instructions/parse_test.go."""

from __future__ import annotations

import pytest

from learn.sim import Sandbox
from learn.sim.docker import dockerfile as df


def parse_error(text: str) -> str:
    with pytest.raises(df.DockerfileError) as caught:
        df.parse(text)
    return str(caught.value)


# parse_test.go TestCommandsExactlyOneArgument (errExactlyOneArgument).
@pytest.mark.parametrize("command", ["MAINTAINER", "WORKDIR", "USER", "STOPSIGNAL"])
def test_exactly_one_argument(command: str) -> None:
    assert parse_error(command).endswith(f"{command} requires exactly one argument")


# parse_test.go TestCommandsAtLeastOneArgument (errAtLeastOneArgument).
@pytest.mark.parametrize("command", ["ENV", "LABEL", "ONBUILD", "HEALTHCHECK", "EXPOSE", "VOLUME"])
def test_at_least_one_argument(command: str) -> None:
    assert parse_error(command).endswith(f"{command} requires at least one argument")


# parse_test.go TestCommandsNoDestinationArgument (errNoDestinationArgument).
@pytest.mark.parametrize("command", ["ADD", "COPY"])
def test_no_destination_argument(command: str) -> None:
    assert parse_error(command + " arg1").endswith(
        f"{command} requires at least two arguments, but only one was provided. Destination could not be determined"
    )


# parse_test.go TestErrorCases: (Dockerfile, expected error contained).
ERROR_CASES = [
    ("COPY\t\n\t\tquux \\\n      bar", "COPY requires at least two arguments"),
    ("ONBUILD FROM scratch", "FROM isn't allowed as an ONBUILD trigger"),
    ("MAINTAINER --boo joe@example.com", "unknown flag: --boo"),
    ("ONBUILD ONBUILD RUN touch foobar", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
    ("FOO bar", "unknown instruction: FOO"),
    ("foo bar", "unknown instruction: foo"),
]


@pytest.mark.parametrize(("dockerfile", "expected"), ERROR_CASES)
def test_error_cases(dockerfile: str, expected: str) -> None:
    assert expected in parse_error(dockerfile)


def test_parse_errors_are_prefixed_with_the_line_as_buildkit_wraps_them() -> None:
    # instructions/parse.go parseError: "dockerfile parse error on line %d: %v"
    assert parse_error("FROM busybox:1.36\nCOPY --frm=build /a /b\n") == (
        "dockerfile parse error on line 2: unknown flag: --frm (did you mean from?)"
    )


# parse_test.go TestHealthCheckCmd: a shell-form test becomes ["CMD-SHELL", "hello world"].
def test_health_check_cmd() -> None:
    box = Sandbox.new(files={"Dockerfile": "FROM busybox:1.36\nHEALTHCHECK CMD hello world\n"})
    assert box.run("docker build -t hc .")[0] == 0
    assert box.run("docker inspect -f '{{json .Config.Healthcheck.Test}}' hc") == (
        0,
        '["CMD-SHELL","hello world"]\n',
    )


# parse_test.go TestParseOptInterval: 50ns is refused, 0ms and 1ms are accepted.
@pytest.mark.parametrize(("interval", "ok"), [("50ns", False), ("0ms", True), ("1ms", True)])
def test_parse_opt_interval(interval: str, ok: bool) -> None:
    box = Sandbox.new(
        files={"Dockerfile": f"FROM busybox:1.36\nHEALTHCHECK --interval={interval} CMD true\n"}
    )
    code, out = box.run("docker build .")
    if ok:
        assert code == 0, out
    else:
        assert code == 1 and 'Interval "interval" cannot be less than 1ms' in out
