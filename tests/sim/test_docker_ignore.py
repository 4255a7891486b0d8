""".dockerignore patterns (learn/sim/docker/ignore.py) against moby/patternmatcher's own tables."""

from __future__ import annotations

import pytest

from learn.sim.docker import ignore

# moby/patternmatcher patternmatcher_test.go, TestMatches `tests` (run there through
# MatchesOrParentMatches and MatchesUsingParentResult(s)): (pattern, text, pass).
MATCHES = [
    ("**", "file", True),
    ("**", "file/", True),
    ("**/", "file", True),
    ("**/", "file/", True),
    ("**", "/", True),
    ("**/", "/", True),
    ("**", "dir/file", True),
    ("**/", "dir/file", True),
    ("**", "dir/file/", True),
    ("**/", "dir/file/", True),
    ("**/**", "dir/file", True),
    ("**/**", "dir/file/", True),
    ("dir/**", "dir/file", True),
    ("dir/**", "dir/file/", True),
    ("dir/**", "dir/dir2/file", True),
    ("dir/**", "dir/dir2/file/", True),
    ("**/dir", "dir", True),
    ("**/dir", "dir/file", True),
    ("**/dir2/*", "dir/dir2/file", True),
    ("**/dir2/*", "dir/dir2/file/", True),
    ("**/dir2/**", "dir/dir2/dir3/file", True),
    ("**/dir2/**", "dir/dir2/dir3/file/", True),
    ("**file", "file", True),
    ("**file", "dir/file", True),
    ("**/file", "dir/file", True),
    ("**file", "dir/dir/file", True),
    ("**/file", "dir/dir/file", True),
    ("**/file*", "dir/dir/file", True),
    ("**/file*", "dir/dir/file.txt", True),
    ("**/file*txt", "dir/dir/file.txt", True),
    ("**/file*.txt", "dir/dir/file.txt", True),
    ("**/file*.txt*", "dir/dir/file.txt", True),
    ("**/**/*.txt", "dir/dir/file.txt", True),
    ("**/**/*.txt2", "dir/dir/file.txt", False),
    ("**/*.txt", "file.txt", True),
    ("**/**/*.txt", "file.txt", True),
    ("a**/*.txt", "a/file.txt", True),
    ("a**/*.txt", "a/dir/file.txt", True),
    ("a**/*.txt", "a/dir/dir/file.txt", True),
    ("a/*.txt", "a/dir/file.txt", False),
    ("a/*.txt", "a/file.txt", True),
    ("a/*.txt**", "a/file.txt", True),
    ("a[b-d]e", "ae", False),
    ("a[b-d]e", "ace", True),
    ("a[b-d]e", "aae", False),
    ("a[^b-d]e", "aze", True),
    (".*", ".foo", True),
    (".*", "foo", False),
    ("abc.def", "abcdef", False),
    ("abc.def", "abc.def", True),
    ("abc.def", "abcZdef", False),
    ("abc?def", "abcZdef", True),
    ("abc?def", "abcdef", False),
    ("a\\\\", "a\\", True),
    ("**/foo/bar", "foo/bar", True),
    ("**/foo/bar", "dir/foo/bar", True),
    ("**/foo/bar", "dir/dir2/foo/bar", True),
    ("abc/**", "abc", False),
    ("abc/**", "abc/def", True),
    ("abc/**", "abc/def/ghi", True),
    ("**/.foo", ".foo", True),
    ("**/.foo", "bar.foo", False),
    ("a(b)c/def", "a(b)c/def", True),
    ("a(b)c/def", "a(b)c/xyz", False),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        True,
    ),
    ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
    ("a\\*b", "a*b", True),  # the non-Windows extra case
]

# moby/patternmatcher patternmatcher_test.go, TestMatches `multiPatternTests`.
MULTI = [
    (["**", "!util/docker/web"], "util/docker/web/foo", False),
    (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
    (
        ["**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        False,
    ),
    (["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", False),
]

# moby/patternmatcher patternmatcher_test.go, `matchTests` (TestMatch, through Matches):
# (pattern, text, match, is ErrBadPattern).
MATCH = [
    ("abc", "abc", True, False),
    ("*", "abc", True, False),
    ("*c", "abc", True, False),
    ("a*", "a", True, False),
    ("a*", "abc", True, False),
    ("a*", "ab/c", True, False),
    ("a*/b", "abc/b", True, False),
    ("a*/b", "a/c/b", False, False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True, False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True, False),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False, False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False, False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True, False),
    ("a*b?c*x", "abxbbxdbxebxczzy", False, False),
    ("ab[c]", "abc", True, False),
    ("ab[b-d]", "abc", True, False),
    ("ab[e-g]", "abc", False, False),
    ("ab[^c]", "abc", False, False),
    ("ab[^b-d]", "abc", False, False),
    ("ab[^e-g]", "abc", True, False),
    ("a\\*b", "a*b", True, False),
    ("a\\*b", "ab", False, False),
    ("a?b", "a☺b", True, False),
    ("a[^a]b", "a☺b", True, False),
    ("a???b", "a☺b", False, False),
    ("a[^a][^a][^a]b", "a☺b", False, False),
    ("[a-ζ]*", "α", True, False),
    ("*[a-ζ]", "A", False, False),
    ("a?b", "a/b", False, False),
    ("a*b", "a/b", False, False),
    ("[\\]a]", "]", True, False),
    ("[\\-]", "-", True, False),
    ("[x\\-]", "x", True, False),
    ("[x\\-]", "-", True, False),
    ("[x\\-]", "z", False, False),
    ("[\\-x]", "x", True, False),
    ("[\\-x]", "-", True, False),
    ("[\\-x]", "a", False, False),
    ("[]a]", "]", False, True),
    ("[-]", "-", False, True),
    ("[x-]", "x", False, True),
    ("[x-]", "-", False, True),
    ("[x-]", "z", False, True),
    ("[-x]", "x", False, True),
    ("[-x]", "-", False, True),
    ("[-x]", "a", False, True),
    ("\\", "a", False, True),
    ("[a-b-c]", "a", False, True),
    ("[", "a", False, True),
    ("[^", "a", False, True),
    ("[^bc", "a", False, True),
    ("a[", "a", False, True),
    ("a[", "ab", False, True),
    ("*x", "xxx", True, False),
]

# moby/patternmatcher patternmatcher_test.go, `compileTests`: (pattern, match type).
COMPILE = [
    ("*", "regexp"),
    ("file*", "regexp"),
    ("*file", "regexp"),
    ("a*/b", "regexp"),
    ("**", "suffix"),
    ("**/**", "regexp"),
    ("dir/**", "prefix"),
    ("**/dir", "suffix"),
    ("**/dir2/*", "regexp"),
    ("**/dir2/**", "regexp"),
    ("**file", "suffix"),
    ("**/file*txt", "regexp"),
    ("**/**/*.txt", "regexp"),
    ("a[b-d]e", "regexp"),
    (".*", "regexp"),
    ("abc.def", "exact"),
    ("abc?def", "regexp"),
    ("**/foo/bar", "suffix"),
    ("a(b)c/def", "exact"),
    ("a.|)$(}+{bc", "exact"),
    ("dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "exact"),
]


@pytest.mark.parametrize(("pattern", "text", "passes"), MATCHES)
def test_matches_or_parent_matches(pattern: str, text: str, passes: bool) -> None:
    assert ignore.PatternMatcher([pattern]).matches_or_parent_matches(text) is passes


@pytest.mark.parametrize(("patterns", "text", "passes"), MULTI)
def test_multi_pattern(patterns: list[str], text: str, passes: bool) -> None:
    assert ignore.PatternMatcher(patterns).matches_or_parent_matches(text) is passes


@pytest.mark.parametrize(("pattern", "text", "match", "bad"), MATCH)
def test_match(pattern: str, text: str, match: bool, bad: bool) -> None:
    if bad:
        with pytest.raises(ignore.PatternError):
            ignore.matches(text, [pattern])
    else:
        assert ignore.matches(text, [pattern]) is match


@pytest.mark.parametrize(("pattern", "kind"), COMPILE)
def test_compile_kind(pattern: str, kind: str) -> None:
    assert ignore._compile(ignore.clean(pattern))[0] == kind


# moby/patternmatcher patternmatcher_test.go: the small single-case tests.
def test_single_cases() -> None:
    assert ignore.matches("fileutils.go", ["*"])
    assert ignore.matches("fileutils.go", ["*.go"])
    assert ignore.matches("fileutils.go", ["!fileutils.go", "*.go"])
    assert not ignore.matches("docs/README.md", ["docs", "!docs/README.md"])
    assert not ignore.matches("docs/README.md", ["docs/", "!docs/README.md"])
    assert not ignore.matches("docs/README.md", ["docs/*", "!docs/README.md"])
    assert not ignore.matches("fileutils.go", ["*.go", "!fileutils.go"])
    assert not ignore.matches(".", ["*.go"])
    assert not ignore.matches("/any/path/there", [])
    with pytest.raises(ignore.PatternError, match="illegal exclusion"):
        ignore.matches("fileutils.go", ["!"])
    with pytest.raises(ignore.PatternError):
        ignore.matches("/any/path/there", ["["])
    assert len(ignore.PatternMatcher(["docs", "config", ""]).patterns) == 2
    assert ignore.PatternMatcher(["docs", "  !docs/README.md"]).patterns[1].exclusion
    assert ignore.PatternMatcher(["docs", "!docs/README.md  "]).patterns[1].exclusion


# moby/patternmatcher ignorefile/ignorefile_test.go, TestReadAll.
def test_read_ignorefile() -> None:
    content = (
        "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! "
    )
    assert ignore.read_ignorefile("") == []
    assert ignore.read_ignorefile(content) == [
        "test1",
        "test2",
        "a/file/here",
        "lastfile",
        "!inverted/abs/path",
        "!",
        "!",
    ]


def test_context_leaves_out_ignored_files_and_keeps_exceptions() -> None:
    files = {
        "Dockerfile": "FROM busybox:1.36\n",
        "app.py": "print(1)\n",
        ".git/HEAD": "ref\n",
        ".venv/bin/python": "x",
        "docs/README.md": "# docs\n",
        "docs/notes.md": "n\n",
    }
    kept = ignore.context_files(files, ".git\n.venv\ndocs\n!docs/README.md\n")
    assert sorted(kept) == ["Dockerfile", "app.py", "docs/README.md"]
