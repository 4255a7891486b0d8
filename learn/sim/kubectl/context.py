"""What every kubectl command shares: who is asking, which namespace, the store, the output,
and how errors print (cmdutil.CheckErr's forms)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from learn.sim.commandline import Result
from learn.sim.kube import api
from learn.sim.kube.api import ApiError, Store, User
from learn.sim.world import World


class KubectlError(Exception):
    """A client-side error: printed as `error: <message>`, exit code 1."""

    def __init__(self, message: str, *, code: int = 1, raw: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.raw = raw  # print the message as it is (no `error: ` prefix)


def not_simulated(what: str) -> KubectlError:
    return KubectlError(f"{what} is not simulated in this sandbox")


@dataclass
class Ctx:
    world: World
    user: User
    namespace: str
    explicit_namespace: bool
    stdin: str | None
    command: str
    out: list[str] = field(default_factory=list)
    # Errors the command returns: kubectl's commands gather them (utilerrors.NewAggregate) and
    # cmdutil.CheckErr prints them when the command ends, after everything it printed.
    err: list[str] = field(default_factory=list)
    code: int = 0
    # Warnings go to stderr the moment they happen (rest.WarningHandler, fmt.Fprintf(o.ErrOut)),
    # between the lines on stdout; `written` keeps both streams in that order.
    warned: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The API server's warnings for this command's requests (Pod Security's `warn`).
        Store.of(self.world).warn_to = self.warn

    @property
    def store(self) -> Store:
        return Store.of(self.world)

    def print(self, text: str) -> None:
        self.out.append(text)
        self.written.append(text)

    def warn(self, text: str) -> None:
        self.warned.append(text)
        self.written.append(text)

    def api_error(self, error: ApiError) -> None:
        self.err.append(format_api_error(error))
        self.code = 1

    def patch(
        self, obj: dict[str, Any], *, subresource: str = "", dry_run: bool = False
    ) -> dict[str, Any]:
        """Write a changed object the way kubectl's label/annotate/scale/set/rollout/cordon do:
        a PATCH, so RBAC is asked about the `patch` verb (not `update`), then stored through
        admission and validation as the learner's write (the API server validates a patched
        object as it validates a created one)."""
        from learn.sim.kube.resources import by_kind

        resource = by_kind(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        meta = obj.get("metadata") or {}
        if resource is not None:
            self.store.authorize(
                self.user,
                "patch",
                resource,
                meta.get("namespace", "") if resource.namespaced else "",
                meta.get("name", ""),
                subresource,
            )
        return self.store.update(obj, user=self.user, dry_run=dry_run, authorized=True)

    def result(self) -> Result:
        errors = "".join(self.err)
        return Result(
            self.code,
            "".join(self.out),
            "".join(self.warned) + errors,
            combined="".join(self.written) + errors,
        )


def format_api_error(error: ApiError, *, source: str = "", operation: str = "") -> str:
    """cmdutil.CheckErr: Invalid prints `The Kind "name" is invalid: ...` with its causes;
    everything else `Error from server (Reason): message`, the file named when there is one
    (`error when creating "web.yaml": ...`)."""
    if error.reason == "Invalid" and (error.kind or error.name):
        causes = [
            f"{c.get('field')}: {c.get('message')}" if c.get("field") else str(c.get("message", ""))
            for c in error.causes
        ]
        head = f'The {error.kind} "{error.name}" is invalid'
        if not causes:
            return f"{head}: {error.message}\n"
        if len(causes) == 1:
            return f"{head}: {causes[0]}\n"
        return f"{head}: \n" + "".join(f"* {c}\n" for c in causes)
    message = error.message
    if source and operation:
        message = f'error when {operation} "{source}": {message}'
    return f"Error from server ({error.reason}): {message}\n"


def impersonate(name: str, groups: list[str]) -> User:
    """--as and --as-group: the API server's impersonation filter adds the groups every
    authenticated user (and every service account) has."""
    if not name:
        if groups:
            raise KubectlError(
                "requesting uid or groups for impersonation without impersonating a user"
            )
        return api.ADMIN
    extra = list(groups)
    if name.startswith("system:serviceaccount:"):
        parts = name.split(":")
        if len(parts) == 4:
            extra += ["system:serviceaccounts", f"system:serviceaccounts:{parts[2]}"]
    if name != "system:anonymous":
        extra.append("system:authenticated")
    else:
        extra.append("system:unauthenticated")
    seen: list[str] = []
    for group in extra:
        if group not in seen:
            seen.append(group)
    return User(name, tuple(seen))
