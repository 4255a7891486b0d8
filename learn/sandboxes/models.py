"""One learner's sandbox per block (or the playground): the simulation's state and a transcript.

Written only by learn/sandboxes/services.py, one transaction per command under a row lock.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from learn.content.models import Question
from learn.progress.models import LearnerOwned, one_per_learner


class SandboxSession(LearnerOwned):
    # The block's question key, or "playground" for the free sandbox at /playground/.
    slot = models.CharField(max_length=80)
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.PROTECT, related_name="sandboxes"
    )
    state = models.JSONField()  # Sandbox.dump() (learn/sim), at most 512 KB, usually < 64 KB
    # Every command run here: {"c": line, "x": exit code, "t": ISO time, "o": output or None
    # once it has scrolled out of the last lines kept (learn/sandboxes/services.py)}.
    transcript = models.JSONField(default=list)
    commands = models.PositiveIntegerField(default=0)
    goal_met_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = one_per_learner("slot", "sandbox")

    def __str__(self) -> str:
        return f"sandbox {self.slot}: {self.commands} commands"
