"""kubectl 1.34 (reporting client v1.37.0, as the course teaches): parsing, the commands, printers.

    main.py       global flags, finding the command (cobra's errors and suggestions), dispatch
    flags.py      pflag's parsing: --a=b, --a b, -n x, -nx, -it, --, and its error texts
    context.py    who asks (--as/--as-group impersonation), the namespace, CheckErr's error forms
    builder.py    resource arguments (TYPE NAME, TYPE/NAME, a,b, all) and manifests (-f FILE,
                  -f -, directories, multi-document YAML, List; aliasing and nesting limits)
    selectors.py  -l and --field-selector, FormatLabels / FormatLabelSelector
    printers.py   the API server's table printers per kind, Pod STATUS, tabwriter layout
    duration.py   AGE: apimachinery's HumanDuration / ShortHumanDuration
    output.py     -o yaml (go-yaml's quoting), json, name, jsonpath
    get.py        get (tables, -o, -A, -L, --show-labels, --sort-by, -w)
    describe.py   describe for Pod, Deployment, ReplicaSet, Service, Node, Job, HPA and the small kinds
    mutate.py     apply, create -f, delete, scale, set image/env/resources, label, annotate,
                  expose, cordon/uncordon/drain/taint, edit (refused)
    create.py     create generators and run
    rollout.py    rollout status (the status viewers' lines), history, undo, restart, pause, resume
    misc.py       logs, exec, auth can-i, top, explain, events, version, api-resources, config, wait
    explain.py    explain from the OpenAPI schemas learn/labs/validators.py validates against
    commands.py   the registry of commands

Registers the `kubectl` program with learn/sim/commandline.py. What is not simulated, and what
a learner is told instead, is listed in learn/sim/README.md.
"""

from __future__ import annotations

from learn.sim.commandline import Result, program
from learn.sim.world import World


@program("kubectl")
def kubectl(world: World, argv: list[str], stdin: str | None) -> Result:
    from learn.sim.kubectl.main import main

    return main(world, argv[1:], stdin)
