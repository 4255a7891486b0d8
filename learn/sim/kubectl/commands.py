"""Every kubectl command the sandbox runs, registered with learn/sim/kubectl/main.py."""

from __future__ import annotations

from collections.abc import Callable

from learn.sim.kubectl import create, describe, get, misc, mutate, rollout
from learn.sim.kubectl.context import Ctx, KubectlError
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.kubectl.main import command

# Commands whose handler takes (ctx, flags) as it is.
_PLAIN: list[tuple[str, list[Flag], Callable[[Ctx, Parsed], None]]] = [
    ("get", get.GET_FLAGS, get.run_get),
    ("describe", describe.DESCRIBE_FLAGS, describe.run_describe),
    ("apply", mutate.APPLY_FLAGS, mutate.run_apply),
    ("create", create.CREATE_FLAGS, create.run_create),
    ("run", create.RUN_FLAGS, create.run_run),
    ("delete", mutate.DELETE_FLAGS, mutate.run_delete),
    ("scale", mutate.SCALE_FLAGS, mutate.run_scale),
    ("set image", mutate.SET_IMAGE_FLAGS, mutate.run_set_image),
    ("expose", mutate.EXPOSE_FLAGS, mutate.run_expose),
    ("drain", mutate.DRAIN_FLAGS, mutate.run_drain),
    ("taint", mutate.TAINT_FLAGS, mutate.run_taint),
    ("logs", misc.LOGS_FLAGS, misc.run_logs),
    ("auth can-i", misc.CAN_I_FLAGS, misc.run_can_i),
    ("explain", misc.EXPLAIN_FLAGS, misc.run_explain),
    ("events", misc.EVENTS_FLAGS, misc.run_events),
    ("version", misc.VERSION_FLAGS, misc.run_version),
    ("api-resources", misc.API_RESOURCES_FLAGS, misc.run_api_resources),
]
for _cmd, _flags, _handler in _PLAIN:
    command(_cmd, _flags)(_handler)


@command("set", subcommands=("env", "image", "resources", "selector", "serviceaccount", "subject"))
def _set(ctx: Ctx, flags: Parsed) -> None:  # pragma: no cover - dispatched to a subcommand
    raise KubectlError("kubectl set needs a subcommand")


command("set env", mutate.SET_ENV_FLAGS)(mutate.run_set_env)
command("set resources", mutate.SET_RESOURCES_FLAGS)(mutate.run_set_resources)

for _sub in ("selector", "serviceaccount", "subject"):

    def _refuse(ctx: Ctx, flags: Parsed, sub: str = _sub) -> None:
        raise KubectlError(
            f"kubectl set {sub} is not simulated in this sandbox: edit the file and `kubectl apply -f` it"
        )

    command(
        f"set {_sub}",
        [
            Flag("filename", "f", kind="array"),
            Flag("all", kind="bool"),
            Flag("selector", "l"),
            Flag("containers", "c"),
            Flag("env", "e", kind="array"),
            Flag("limits"),
            Flag("requests"),
            Flag("dry-run"),
            Flag("output", "o"),
        ],
    )(_refuse)


@command("label", mutate.META_FLAGS)
def _label(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_label(ctx, flags, field="labels")


@command("annotate", mutate.META_FLAGS)
def _annotate(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_label(ctx, flags, field="annotations")


@command("edit", [Flag("filename", "f", kind="array"), Flag("output", "o")])
def _edit(ctx: Ctx, flags: Parsed) -> None:
    mutate.refuse_edit(ctx, flags)


@command("cordon", mutate.NODE_FLAGS)
def _cordon(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_cordon(ctx, flags, unschedulable=True)


@command("uncordon", mutate.NODE_FLAGS)
def _uncordon(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_cordon(ctx, flags, unschedulable=False)


@command("rollout", subcommands=("history", "pause", "restart", "resume", "status", "undo"))
def _rollout(ctx: Ctx, flags: Parsed) -> None:  # pragma: no cover - dispatched to a subcommand
    raise KubectlError("kubectl rollout needs a subcommand")


_ROLLOUT: dict[str, Callable[[Ctx, Parsed], None]] = {
    "status": rollout.run_status,
    "history": rollout.run_history,
    "undo": rollout.run_undo,
    "restart": rollout.run_restart,
    "pause": lambda ctx, flags: rollout.run_pause(ctx, flags, paused=True),
    "resume": lambda ctx, flags: rollout.run_pause(ctx, flags, paused=False),
}
for _name, _fn in _ROLLOUT.items():
    command(f"rollout {_name}", rollout.ROLLOUT_FLAGS)(_fn)


@command("exec", misc.EXEC_FLAGS)
def _exec(ctx: Ctx, flags: Parsed) -> None:
    if flags.dash >= 0:
        before, after = flags.args[: flags.dash], flags.args[flags.dash :]
    else:
        before, after = flags.args[:1], flags.args[1:]
        if after:
            ctx.warn(
                "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n"
            )
    misc.run_exec(ctx, Parsed(args=before, values=flags.values, given=flags.given), after)


@command("auth", subcommands=("can-i", "reconcile", "whoami"))
def _auth(ctx: Ctx, flags: Parsed) -> None:  # pragma: no cover - dispatched to a subcommand
    raise KubectlError("kubectl auth needs a subcommand")


@command("auth whoami", [Flag("output", "o")])
def _whoami(ctx: Ctx, flags: Parsed) -> None:
    from learn.sim.kubectl import printers

    rows = [
        ["ATTRIBUTE", "VALUE"],
        ["Username", ctx.user.name],
        ["Groups", "[" + " ".join(ctx.user.groups) + "]"],
    ]
    ctx.print(printers.render(rows))


@command("auth reconcile", [Flag("filename", "f", kind="array")])
def _reconcile(ctx: Ctx, flags: Parsed) -> None:
    raise KubectlError(
        "kubectl auth reconcile is not simulated in this sandbox: use `kubectl apply -f`"
    )


@command(
    "top",
    [
        Flag("all-namespaces", "A", kind="bool"),
        Flag("selector", "l"),
        Flag("containers", kind="bool"),
        Flag("sort-by"),
        Flag("no-headers", kind="bool"),
        Flag("use-protocol-buffers", kind="bool"),
        Flag("show-capacity", kind="bool", refused=True),
        Flag("sum", kind="bool", refused=True),
    ],
)
def _top(ctx: Ctx, flags: Parsed) -> None:
    misc.run_top(ctx, flags)


@command("api-versions")
def _api_versions(ctx: Ctx, flags: Parsed) -> None:
    misc.run_api_versions(ctx, flags)


@command("cluster-info")
def _cluster_info(ctx: Ctx, flags: Parsed) -> None:
    misc.run_cluster_info(ctx, flags)


@command(
    "config",
    [
        Flag("minify", kind="bool"),
        Flag("raw", kind="bool"),
        Flag("output", "o"),
        Flag("current", kind="bool"),
        Flag("flatten", kind="bool"),
    ],
)
def _config(ctx: Ctx, flags: Parsed) -> None:
    misc.run_config(ctx, flags)


@command("wait", misc.WAIT_FLAGS)
def _wait(ctx: Ctx, flags: Parsed) -> None:
    misc.run_wait(ctx, flags)
