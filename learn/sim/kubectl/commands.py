"""Every kubectl command the sandbox runs, registered with learn/sim/kubectl/main.py."""

from __future__ import annotations

from learn.sim.kubectl import create, describe, get, misc, mutate, rollout
from learn.sim.kubectl.context import Ctx, KubectlError
from learn.sim.kubectl.flags import Flag, Parsed
from learn.sim.kubectl.main import command


@command("get", get.GET_FLAGS)
def _get(ctx: Ctx, flags: Parsed) -> None:
    get.run_get(ctx, flags)


@command("describe", describe.DESCRIBE_FLAGS)
def _describe(ctx: Ctx, flags: Parsed) -> None:
    describe.run_describe(ctx, flags)


@command("apply", mutate.APPLY_FLAGS)
def _apply(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_apply(ctx, flags)


@command("create", create.CREATE_FLAGS)
def _create(ctx: Ctx, flags: Parsed) -> None:
    create.run_create(ctx, flags)


@command("run", create.RUN_FLAGS)
def _run(ctx: Ctx, flags: Parsed) -> None:
    create.run_run(ctx, flags)


@command("delete", mutate.DELETE_FLAGS)
def _delete(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_delete(ctx, flags)


@command("scale", mutate.SCALE_FLAGS)
def _scale(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_scale(ctx, flags)


@command("set", subcommands=("env", "image", "resources", "selector", "serviceaccount", "subject"))
def _set(ctx: Ctx, flags: Parsed) -> None:  # pragma: no cover - dispatched to a subcommand
    raise KubectlError("kubectl set needs a subcommand")


@command("set image", mutate.SET_IMAGE_FLAGS)
def _set_image(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_set_image(ctx, flags)


for _sub in ("env", "resources", "selector", "serviceaccount", "subject"):

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


@command("expose", mutate.EXPOSE_FLAGS)
def _expose(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_expose(ctx, flags)


@command("edit", [Flag("filename", "f", kind="array"), Flag("output", "o")])
def _edit(ctx: Ctx, flags: Parsed) -> None:
    mutate.refuse_edit(ctx, flags)


@command("cordon", mutate.NODE_FLAGS)
def _cordon(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_cordon(ctx, flags, unschedulable=True)


@command("uncordon", mutate.NODE_FLAGS)
def _uncordon(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_cordon(ctx, flags, unschedulable=False)


@command("drain", mutate.DRAIN_FLAGS)
def _drain(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_drain(ctx, flags)


@command("taint", mutate.TAINT_FLAGS)
def _taint(ctx: Ctx, flags: Parsed) -> None:
    mutate.run_taint(ctx, flags)


@command("rollout", subcommands=("history", "pause", "restart", "resume", "status", "undo"))
def _rollout(ctx: Ctx, flags: Parsed) -> None:  # pragma: no cover - dispatched to a subcommand
    raise KubectlError("kubectl rollout needs a subcommand")


@command("rollout status", rollout.ROLLOUT_FLAGS)
def _rollout_status(ctx: Ctx, flags: Parsed) -> None:
    rollout.run_status(ctx, flags)


@command("rollout history", rollout.ROLLOUT_FLAGS)
def _rollout_history(ctx: Ctx, flags: Parsed) -> None:
    rollout.run_history(ctx, flags)


@command("rollout undo", rollout.ROLLOUT_FLAGS)
def _rollout_undo(ctx: Ctx, flags: Parsed) -> None:
    rollout.run_undo(ctx, flags)


@command("rollout restart", rollout.ROLLOUT_FLAGS)
def _rollout_restart(ctx: Ctx, flags: Parsed) -> None:
    rollout.run_restart(ctx, flags)


@command("rollout pause", rollout.ROLLOUT_FLAGS)
def _rollout_pause(ctx: Ctx, flags: Parsed) -> None:
    rollout.run_pause(ctx, flags, paused=True)


@command("rollout resume", rollout.ROLLOUT_FLAGS)
def _rollout_resume(ctx: Ctx, flags: Parsed) -> None:
    rollout.run_pause(ctx, flags, paused=False)


@command("logs", misc.LOGS_FLAGS)
def _logs(ctx: Ctx, flags: Parsed) -> None:
    misc.run_logs(ctx, flags)


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


@command("auth can-i", misc.CAN_I_FLAGS)
def _can_i(ctx: Ctx, flags: Parsed) -> None:
    misc.run_can_i(ctx, flags)


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
    ],
)
def _top(ctx: Ctx, flags: Parsed) -> None:
    misc.run_top(ctx, flags)


@command("explain", misc.EXPLAIN_FLAGS)
def _explain(ctx: Ctx, flags: Parsed) -> None:
    misc.run_explain(ctx, flags)


@command("events", misc.EVENTS_FLAGS)
def _events(ctx: Ctx, flags: Parsed) -> None:
    misc.run_events(ctx, flags)


@command("version", misc.VERSION_FLAGS)
def _version(ctx: Ctx, flags: Parsed) -> None:
    misc.run_version(ctx, flags)


@command("api-resources", misc.API_RESOURCES_FLAGS)
def _api_resources(ctx: Ctx, flags: Parsed) -> None:
    misc.run_api_resources(ctx, flags)


@command("api-versions")
def _api_versions(ctx: Ctx, flags: Parsed) -> None:
    misc.run_api_versions(ctx, flags)


@command("cluster-info")
def _cluster_info(ctx: Ctx, flags: Parsed) -> None:
    misc.run_cluster_info(ctx, flags)


@command("config", [Flag("minify", kind="bool"), Flag("raw", kind="bool"), Flag("output", "o")])
def _config(ctx: Ctx, flags: Parsed) -> None:
    misc.run_config(ctx, flags)


@command("wait", misc.WAIT_FLAGS)
def _wait(ctx: Ctx, flags: Parsed) -> None:
    misc.run_wait(ctx, flags)
