"""Read what ``buildah bud`` printed: which steps ran, in which stage, from cache or not.

buildah 1.28 prints, on stdout, one line per step::

    STEP 2/3: COPY app.txt ./                 (single-stage build)
    [1/2] STEP 2/7: ARG V=1                   (multi-stage: [stage k of N] first)
    --> Using cache 5d300ae3b2822aaa…(64 hex)  (only when the step was served from cache)
    --> 5d300ae3b28                           (the committed image, after each step but the last)

FROM steps never get a ``Using cache`` line: they are not cache steps. Stages the target does
not need are skipped and print nothing; a global ARG before the first FROM prints nothing.
A FROM that names an earlier stage is printed with that stage's image id instead of its name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

STEP_LINE = re.compile(r"^(?:\[(\d+)/(\d+)\] )?STEP (\d+)/(\d+): (.*)$")
CACHE_LINE = re.compile(r"^--> Using cache [0-9a-f]{64}$")
STANDIN_LINE = re.compile(r"^\[standin\] (.*)$")
IMAGE_ID_LINE = re.compile(r"^[0-9a-f]{64}$")
STAGE_NAME = re.compile(r"\s+AS\s+(\S+)\s*$", re.IGNORECASE)


class StepOutcome:
    """One printed step: ``index``/``total`` as buildah numbers them within the stage (1-based,
    FROM is 1), ``stage`` the 0-based stage index in the Dockerfile (as ``COPY --from=0``),
    ``stage_name`` its ``AS`` name, ``cached`` True/False, or None for FROM (not a cache step).
    """

    __slots__ = ("cached", "index", "instruction_text", "stage", "stage_name", "total")

    def __init__(
        self,
        index: int,
        stage: int,
        instruction_text: str,
        cached: bool | None,
        *,
        total: int = 0,
        stage_name: str | None = None,
    ) -> None:
        self.index = index
        self.stage = stage
        self.instruction_text = instruction_text
        self.cached = cached
        self.total = total
        self.stage_name = stage_name

    @property
    def keyword(self) -> str:
        """The instruction keyword, upper case (``RUN``, ``COPY``...)."""
        return self.instruction_text.split(None, 1)[0].upper() if self.instruction_text else ""

    @property
    def is_from(self) -> bool:
        """True for a stage's FROM step."""
        return self.keyword == "FROM"

    def describe(self) -> str:
        """One line for assertion messages."""
        state = {True: "hit ", False: "MISS", None: "    "}[self.cached]
        name = f" {self.stage_name}" if self.stage_name else ""
        return f"stage {self.stage}{name} {self.index}/{self.total} {state} {self.instruction_text}"

    def __repr__(self) -> str:
        return f"StepOutcome({self.describe()!r})"


def parse_steps(log: str) -> list[StepOutcome]:
    """The steps of a ``buildah bud`` log, in order, each marked cached or not.

    A STEP line only counts when it continues the numbering (next step of the stage, or step 1
    of a later stage), so command output that happens to look like one is ignored.
    """
    steps: list[StepOutcome] = []
    current: StepOutcome | None = None
    for line in log.splitlines():
        match = STEP_LINE.match(line)
        if match and _continues(current, match):
            stage = int(match[1]) - 1 if match[1] else 0
            text = match[5].strip()
            current = StepOutcome(int(match[3]), stage, text, None, total=int(match[4]))
            if current.is_from:
                name = STAGE_NAME.search(text)
                current.stage_name = name[1] if name else None
            else:
                current.cached = False
                current.stage_name = steps[-1].stage_name if steps else None
            steps.append(current)
        elif current is not None and current.cached is False and CACHE_LINE.match(line):
            current.cached = True
    return steps


def _continues(current: StepOutcome | None, match: re.Match[str]) -> bool:
    """Whether a STEP line is the next step after ``current``."""
    stage = int(match[1]) - 1 if match[1] else 0
    index, total = int(match[3]), int(match[4])
    if index > total:
        return False
    if current is None or stage > current.stage:
        return index == 1
    return stage == current.stage and index == current.index + 1 and total == current.total


class BuildResult:
    """A finished build: its tag, image id, steps, full log and wall time in seconds."""

    __slots__ = ("image_id", "log", "seconds", "steps", "tag")

    def __init__(self, tag: str, steps: list[StepOutcome], log: str, seconds: float) -> None:
        self.tag = tag
        self.steps = steps
        self.log = log
        self.seconds = seconds
        ids = [line for line in log.splitlines() if IMAGE_ID_LINE.match(line)]
        self.image_id = ids[-1] if ids else ""

    @property
    def cache_steps(self) -> list[StepOutcome]:
        """The steps that can hit or miss the cache: all but the FROM steps."""
        return [step for step in self.steps if not step.is_from]

    @property
    def all_cached(self) -> bool:
        """True when every cache step was served from cache."""
        return all(step.cached for step in self.cache_steps)

    @property
    def first_miss(self) -> StepOutcome | None:
        """The first cache step that ran, or None."""
        return next((step for step in self.cache_steps if not step.cached), None)

    def stage(self, key: int | str) -> list[StepOutcome]:
        """The steps of one stage, by 0-based index or by ``AS`` name."""
        if isinstance(key, int):
            return [step for step in self.steps if step.stage == key]
        return [step for step in self.steps if step.stage_name == key]

    def cached_flags(self, stage: int | str | None = None) -> list[bool]:
        """``cached`` of each cache step (FROM left out), of one stage or of all."""
        steps = self.steps if stage is None else self.stage(stage)
        return [bool(step.cached) for step in steps if not step.is_from]

    def step(self, prefix: str, stage: int | str | None = None) -> StepOutcome:
        """The first step whose instruction text starts with ``prefix`` (case-insensitive)."""
        steps = self.steps if stage is None else self.stage(stage)
        for found in _starting_with(steps, prefix):
            return found
        raise KeyError(f"no step starts with {prefix!r}:\n{self.describe()}")

    def standin_calls(self) -> list[str]:
        """The stand-in commands that ran in this build (cached steps do not run)."""
        return [m[1] for m in map(STANDIN_LINE.match, self.log.splitlines()) if m]

    def describe(self) -> str:
        """All steps, one line each, for assertion messages."""
        return "\n".join(step.describe() for step in self.steps)

    def __repr__(self) -> str:
        return f"BuildResult({self.tag!r}, {len(self.steps)} steps, {self.seconds:.2f}s)"


def _starting_with(steps: list[StepOutcome], prefix: str) -> Iterator[StepOutcome]:
    """Steps whose instruction text starts with ``prefix``, ignoring case."""
    lowered = prefix.lower()
    return (step for step in steps if step.instruction_text.lower().startswith(lowered))
