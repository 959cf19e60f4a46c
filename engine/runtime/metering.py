"""What the stepper's steps count for the metrics (``shenpi_task_completions_total``, ``shenpi_case_starts_total``,
``shenpi_case_ends_total``): hooks in the wiring table that report to the engine's ``Metrics`` sink once the step
has committed, so a rolled-back step counts nothing."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from ..kernel.metrics import Metrics
from .stepper import StepContext
from .wiring import Transition


class StepMeter:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_step(self, ctx: StepContext, transitions: list[Transition]) -> None:
        """Every step: the user tasks it completed, and whether it started its case (the case's first step)."""
        completed = sum(1 for task, _ in transitions if task.task_spec.manual and task.state == TaskState.COMPLETED)
        started = ctx.case.lock_version == 0
        if completed or started:
            metrics = self.metrics

            def report() -> None:
                if completed:
                    metrics.count("task_completions", completed)
                if started:
                    metrics.count("case_starts")

            ctx.after_commit.append(report)

    def on_end(self, ctx: StepContext, outcome: str) -> None:
        """A step that ended its case, by outcome."""
        metrics = self.metrics
        ctx.after_commit.append(lambda: metrics.count("case_ends", outcome=outcome))
