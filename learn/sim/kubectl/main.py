"""Entry point of the simulated kubectl: global flags, finding the command, running it.

Output and exit codes are kubectl 1.34's: client-side errors print `error: ...` and exit 1,
the API server's answers `Error from server (Reason): ...`; an unknown command or flag gets
cobra's own words. Commands kubectl has that this sandbox does not run answer
`error: kubectl X is not simulated in this sandbox`, never a made-up success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from learn.sim.commandline import Result
from learn.sim.kube.api import ApiError
from learn.sim.kubectl import flags as flagmod
from learn.sim.kubectl.context import Ctx, KubectlError, format_api_error, impersonate
from learn.sim.kubectl.flags import Flag, FlagError, Parsed
from learn.sim.kubectl.selectors import SelectorError
from learn.sim.world import World

GLOBAL_FLAGS = [
    Flag("namespace", "n"),
    Flag("as"),
    Flag("as-group", kind="array"),
    Flag("as-uid"),
    Flag("context"),
    Flag("cluster"),
    Flag("user"),
    Flag("kubeconfig"),
    Flag("request-timeout", default="0"),
    Flag("v", "v"),
    Flag("server", "s"),
    Flag("token"),
    Flag("insecure-skip-tls-verify", kind="bool"),
    Flag("match-server-version", kind="bool"),
    Flag("warnings-as-errors", kind="bool"),
    Flag("cache-dir"),
    Flag("help", "h", kind="bool"),
]

Handler = Callable[[Ctx, Parsed], None]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    flags: tuple[Flag, ...] = ()
    subcommands: tuple[str, ...] = ()


COMMANDS: dict[str, Command] = {}


def command(
    name: str, flags: list[Flag] | None = None, subcommands: tuple[str, ...] = ()
) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = Command(name, fn, tuple(flags or ()), subcommands)
        return fn

    return register


# What kubectl 1.34 has that the sandbox does not run (answered plainly).
NOT_SIMULATED = {
    "attach": "kubectl attach",
    "port-forward": "kubectl port-forward (the sandbox has no network to forward to; use a Service and `kubectl exec`)",
    "proxy": "kubectl proxy",
    "cp": "kubectl cp",
    "debug": "kubectl debug",
    "plugin": "kubectl plugin",
    "kustomize": "kubectl kustomize (apply the manifests themselves with `kubectl apply -f FILE`)",
    "certificate": "kubectl certificate",
    "completion": "kubectl completion",
    "alpha": "kubectl alpha",
    "patch": "kubectl patch (edit the file and `kubectl apply -f` it)",
    "replace": "kubectl replace (use `kubectl apply -f`)",
    "autoscale": "kubectl autoscale (write a HorizontalPodAutoscaler and apply it)",
    "diff": "kubectl diff",
    "options": "kubectl options",
}

KNOWN = [
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
]


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _unknown_command(name: str, parent: str = "kubectl", known: list[str] | None = None) -> str:
    """cobra's `unknown command` with its suggestions (Levenshtein distance 2, or a prefix)."""
    pool = known if known is not None else KNOWN
    suggestions = [
        k for k in pool if _levenshtein(name.lower(), k.lower()) <= 2 or k.startswith(name.lower())
    ]
    text = f'error: unknown command "{name}" for "{parent}"'
    if suggestions:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{s}\n" for s in suggestions)
    else:
        text += "\n"
    return text


def _find_command(args: list[str]) -> tuple[int, str | None]:
    """Index and name of the first argument that is not a global flag or its value."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return -1, None
        if arg.startswith("-"):
            if "=" not in arg and flagmod.takes_value(arg, GLOBAL_FLAGS):
                i += 2
            elif len(arg) > 2 and arg[0] == "-" and arg[1] != "-" and arg[1] in {"n", "s", "v"}:
                i += 1  # -nfoo
            else:
                i += 1
            continue
        return i, arg
    return -1, None


USAGE = """kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller

Cluster Management Commands:
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container
  auth            Inspect authorization
  events          List events

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""


def main(world: World, args: list[str], stdin: str | None) -> Result:
    # Register the commands (importing the modules runs their @command decorators).
    from learn.sim.kubectl import commands  # noqa: F401

    at, name = _find_command(args)
    if name is None:
        if any(a in {"-h", "--help"} for a in args) or not args:
            return Result(0, USAGE)
        return Result(1, "", "error: unknown flag or missing command; see `kubectl --help`\n")
    if name == "help":
        return Result(0, USAGE)
    if name in NOT_SIMULATED:
        return Result(1, "", f"error: {NOT_SIMULATED[name]} is not simulated in this sandbox\n")
    cmd = COMMANDS.get(name)
    if cmd is None:
        return Result(1, "", _unknown_command(name))
    rest = args[:at] + args[at + 1 :]
    full_name = name
    if cmd.subcommands:
        sub_at, sub = _find_command(rest)
        if sub is None:
            return Result(
                1, "", f"error: kubectl {name} needs a subcommand: {', '.join(cmd.subcommands)}\n"
            )
        key = f"{name} {sub}"
        if key not in COMMANDS:
            return Result(1, "", _unknown_command(sub, f"kubectl {name}", list(cmd.subcommands)))
        cmd = COMMANDS[key]
        full_name = key
        rest = rest[:sub_at] + rest[sub_at + 1 :]
    try:
        parsed = flagmod.parse(rest, [*GLOBAL_FLAGS, *cmd.flags])
    except FlagError as exc:
        return Result(1, "", f"error: {exc}\nSee 'kubectl {full_name} --help' for usage.\n")
    if parsed.on("help"):
        return Result(
            1,
            "",
            f"error: `kubectl {full_name} --help` is not simulated in this sandbox; see https://kubernetes.io/docs/reference/kubectl/\n",
        )
    for flag in [*GLOBAL_FLAGS, *cmd.flags]:
        if flag.refused and parsed.has(flag.name):
            refusal = flag.refusal or f"--{flag.name} is not simulated in this sandbox"
            return Result(1, "", f"error: {refusal}\n")
    own = {flag.name for flag in cmd.flags}
    for remote in ("server", "token", "kubeconfig", "cluster", "user"):
        if parsed.has(remote) and remote not in own:
            return Result(
                1,
                "",
                f"error: --{remote} is not simulated in this sandbox: it has one cluster and one kubeconfig\n",
            )
    if parsed.has("context") and parsed.text("context") != "kind-kind":
        return Result(1, "", f'error: context "{parsed.text("context")}" does not exist\n')
    try:
        user = impersonate(parsed.text("as"), parsed.many("as-group"))
    except KubectlError as exc:
        return Result(1, "", f"error: {exc.message}\n")
    from learn.sim.kubectl.misc import current_namespace

    namespace = parsed.text("namespace") or current_namespace(world) or "default"
    ctx = Ctx(
        world=world,
        user=user,
        namespace=namespace,
        explicit_namespace=parsed.has("namespace"),
        stdin=stdin,
        command=full_name,
    )
    try:
        cmd.handler(ctx, parsed)
    except KubectlError as exc:
        ctx.err.append(exc.message if exc.raw else f"error: {exc.message}\n")
        ctx.code = exc.code
    except ApiError as exc:
        ctx.err.append(format_api_error(exc))
        ctx.code = 1
    except SelectorError as exc:
        ctx.err.append(f"error: {exc}\n")
        ctx.code = 1
    return ctx.result()
