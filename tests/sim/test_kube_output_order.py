"""What a terminal shows of kubectl's two streams, in the order kubectl writes them.

Sources (kubernetes/kubernetes, staging/src/k8s.io/kubectl/pkg/):
- cmd/apply/apply.go Run: each object's `created`/`configured` line is printed as it is
  applied; the errors are gathered (`errs = append(errs, err)`) and returned at the end, so
  cmdutil.CheckErr (cmd/util/helpers.go) prints them after every line on stdout.
- cmd/apply/apply.go applyOneObject: `warningNoLastAppliedConfigAnnotation` is written to
  o.ErrOut at once, before that object's `configured` line.
- cmd/util/helpers.go checkErr: an aggregate of one error is unwrapped and printed alone
  (`The Pod "b" is invalid: ...`); several go through MultipleErrors, one line each by
  StandardErrorMessage: `Error from server (Invalid): ` + the status message, which
  AddSourceToErr prefixed with `error when creating "STDIN": `; a non-API error (the
  builder's unknown kind) as its text, and the builder's errors come first (apply.go puts
  GetObjects' error in `errs` before applying anything).
- client-go rest/warnings.go: a server warning (`Warning: v1 Endpoints is deprecated ...`)
  is written when the response arrives, before kubectl prints what it got.
"""

from __future__ import annotations

from learn.sim import Sandbox

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: app
    image: nginx:1.27
{extra}"""

TOO_MUCH = """\
    resources:
      requests: {memory: 1Gi}
      limits: {memory: 512Mi}
"""


def _doc(name: str, extra: str = "") -> str:
    return POD.format(name=name, extra=extra)


def test_apply_prints_the_created_lines_then_the_error_in_document_order() -> None:
    box = Sandbox.new()
    text = "---\n".join([_doc("a"), _doc("b", TOO_MUCH), _doc("c")])
    assert box.run("kubectl apply -f -", stdin=text) == (
        1,
        "pod/a created\n"
        "pod/c created\n"
        'The Pod "b" is invalid: spec.containers[0].resources.requests: Invalid value: "1Gi": '
        "must be less than or equal to memory limit of 512Mi\n",
    )


def test_several_errors_print_as_kubectl_prints_an_aggregate() -> None:
    box = Sandbox.new()
    unknown = "apiVersion: v9\nkind: Nope\nmetadata: {name: z}\n"
    text = "---\n".join([_doc("a"), _doc("b", TOO_MUCH), unknown, _doc("c"), _doc("d", TOO_MUCH)])
    invalid = (
        'is invalid: spec.containers[0].resources.requests: Invalid value: "1Gi": '
        "must be less than or equal to memory limit of 512Mi\n"
    )
    assert box.run("kubectl apply -f -", stdin=text) == (
        1,
        "pod/a created\n"
        "pod/c created\n"
        'resource mapping not found for name: "z" namespace: "" from "STDIN": no matches for '
        'kind "Nope" in version "v9"\nensure CRDs are installed first\n'
        f'Error from server (Invalid): error when creating "STDIN": Pod "b" {invalid}'
        f'Error from server (Invalid): error when creating "STDIN": Pod "d" {invalid}',
    )


def test_a_warning_comes_between_the_lines_where_kubectl_writes_it() -> None:
    box = Sandbox.new()
    box.put("a.yaml", _doc("a"))
    assert box.run("kubectl create -f a.yaml") == (0, "pod/a created\n")
    text = "---\n".join([_doc("b"), _doc("a")])
    code, out = box.run("kubectl apply -f -", stdin=text)
    assert code == 0
    assert out.splitlines() == [
        "pod/b created",
        "Warning: resource pods/a is missing the kubectl.kubernetes.io/last-applied-configuration "
        "annotation which is required by kubectl apply. kubectl apply should only be used on "
        "resources created declaratively by either kubectl create --save-config or kubectl "
        "apply. The missing annotation will be patched automatically.",
        "pod/a configured",
    ]


def test_a_server_warning_comes_before_the_table() -> None:
    box = Sandbox.new()
    code, out = box.run("kubectl get endpoints")
    assert code == 0
    first, rest = out.split("\n", 1)
    assert first == (
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    )
    assert rest.startswith("NAME")


def test_a_pipeline_sends_only_stdout_on_and_a_redirect_keeps_stderr_on_the_terminal() -> None:
    box = Sandbox.new()
    code, out = box.run("kubectl get endpoints > eps.txt")
    assert code == 0
    assert out.startswith("Warning: v1 Endpoints is deprecated")
    assert box.file("eps.txt").startswith("NAME")
    assert "Warning" not in box.file("eps.txt")
