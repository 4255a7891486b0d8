from learn.core.templatetags.text import inline_code


def test_inline_code_escapes_first_then_marks_code() -> None:
    assert inline_code("set `a<b>` & go") == "set <code>a&lt;b&gt;</code> &amp; go"
    assert inline_code("<script>`x`</script>") == "&lt;script&gt;<code>x</code>&lt;/script&gt;"
