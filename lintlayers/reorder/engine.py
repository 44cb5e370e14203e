"""One stage, from its instructions to a proposal: the cheapest safe order and its moves.

``plan_stage`` builds each instruction's effects, the precedence DAG (every pair that
does not commute keeps its order), the cost and key changes of each step (``inputs``),
tries the splits the install model offers (``transform``), and runs the search. It
returns a ``Proposal`` only when the best order is strictly cheaper than the current
one by ``MIN_SAVING``. Instructions in ``frozen`` (another rule's fix moves them)
keep their place: nothing moves across them.

It also looks for moves that would help but cannot be proven safe: the search runs
again without the dependencies that are possible but unproven (a variable the RUN may
read, a path under an unknown WORKDIR, an install that may read more than its
manifests), and each one it had to break is reported, not applied. A RUN of a command
lintlayers cannot analyse is left out of that: it most likely uses what came before.
"""

from __future__ import annotations

from lintlayers.reorder import COSTLY, MIN_SAVING, may_change, may_cost_more, may_pay
from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lintlayers.context import RuleContext
    from lintlayers.model.stages import Stage
    from lintlayers.reorder.effects import Conflict, Effect
    from lintlayers.reorder.inputs import FileInputs, StageInputs
    from lintlayers.reorder.transform import Split

MIN_SHARE = 0.05
"""Least saving as a share of the current expected cost."""
MAX_MOVES = 3
MAX_BLOCKED = 2
MAX_STAGE_STEPS = 200
"""Most instructions of a stage whose order is searched. The precedence DAG compares
every pair of steps, so a longer stage (a generated file; the corpus' longest has 172)
is left as written instead of costing quadratic time and memory."""


class Item:
    """A step of the stage as the search sees it: an instruction, or a new COPY of a split.

    ``index`` is the instruction's index in the stage (``None`` for a new one, whose
    text is ``text``).
    """

    __slots__ = ("changes", "cost", "effect", "index", "split", "text")

    def __init__(
        self,
        effect: Effect,
        cost: float,
        changes: int,
        index: int | None,
        text: str = "",
        split: Split | None = None,
    ) -> None:
        self.effect = effect
        self.cost = cost
        self.changes = changes
        self.index = index
        self.text = text
        self.split = split

    def describe(self) -> str:
        if self.index is None:
            words = " ".join(self.text.split())
            return f"a new `{words[:48]}`"
        return self.effect.describe()

    def __repr__(self) -> str:
        return f"Item({self.describe()})"


class Blocked:
    """A move that would save ``saving`` but is not proven safe, and why."""

    __slots__ = ("mover", "other", "reason", "saving", "upward")

    def __init__(self, mover: Item, other: Item, upward: bool, reason: str, saving: float):
        self.mover = mover
        self.other = other
        self.upward = upward
        self.reason = reason
        self.saving = saving

    def describe(self) -> str:
        where = "above" if self.upward else "below"
        return (
            f"{self.mover.describe()} could move {where} {self.other.describe()} "
            f"(saving about {self.saving:.1f} more) but is left in place: {self.reason}"
        )


class Proposal:
    """The cheapest safe order of one stage and how it differs from the current one."""

    __slots__ = (
        "after",
        "before",
        "blocked",
        "history",
        "items",
        "moves",
        "order",
        "preds",
        "soft",
        "stage",
    )

    def __init__(self, stage: Stage, items: list[Item], order: list[int], history: object):
        self.stage = stage
        self.items = items
        self.order = order
        self.history = history
        self.before = 0.0
        self.after = 0.0
        self.moves: list[str] = []
        self.blocked: list[Blocked] = []
        self.soft: dict[tuple[int, int], Conflict] = {}
        self.preds: list[int] = []

    @property
    def ordered(self) -> list[Item]:
        return [self.items[position] for position in self.order]

    @property
    def moved(self) -> list[Item]:
        """Original instructions that change place relative to another one, and new ones."""
        originals = [item for item in self.ordered if item.index is not None]
        found: list[Item] = []
        for position, item in enumerate(originals):
            index = item.index or 0
            if any((other.index or 0) > index for other in originals[:position]) or any(
                (other.index or 0) < index for other in originals[position + 1 :]
            ):
                found.append(item)
        found.extend(item for item in self.items if item.index is None)
        return found

    @property
    def saving(self) -> float:
        return self.before - self.after


def plan_stage(
    context: RuleContext,
    stage: Stage,
    inputs: FileInputs,
    *,
    frozen: frozenset[int] = frozenset(),
) -> Proposal | None:
    """The proposal for ``stage``, or None when its order is already the cheapest safe one."""
    from lintlayers.reorder.effects import stage_effects
    from lintlayers.reorder.transform import find_splits, proven_installs

    if not 2 <= len(stage.instructions) <= MAX_STAGE_STEPS:
        return None
    volatile = inputs.volatile_ids()
    file_cost = inputs.file_cost()
    if not may_pay(stage, context.builder, volatile, file_cost):
        return None
    splits = [
        split
        for split in find_splits(context, stage)
        if split.broad not in frozen and split.run not in frozen
    ]
    proven = frozenset(id(stage.instructions[split.run]) for split in splits)
    proven |= proven_installs(context, stage)  # the install model's answer, as LL101's
    effects = stage_effects(context, stage, proven_installs=proven)
    if not splits and not _promising(context, effects, volatile, frozen, file_cost):
        return None  # no step that may change can swap with enough later work: skip the cost model
    values = inputs.stage(stage)
    if values.commits == 0 or not any(values.changes) or not any(values.costs):
        return None
    from lintlayers.reorder.search import best_order  # a stage worth pricing

    items = [
        Item(effect, values.costs[index], values.changes[index], index)
        for index, effect in enumerate(effects)
    ]
    identity = list(range(len(items)))
    before = _cost(items, identity, values)
    candidates = [items]
    if splits:
        split_items = _with_splits(context, stage, items, splits, values)
        if split_items is not None:
            candidates.append(split_items)
    best: Proposal | None = None
    for candidate in candidates:
        if not _worth(before, _floor(candidate, values)):
            continue  # no order of it can save enough: skip the search
        preds, soft = _precedence(candidate, frozen)
        order = best_order(
            [item.cost for item in candidate],
            [item.changes for item in candidate],
            preds,
            values.commits,
            base=values.base,
        )
        after = _cost(candidate, order, values)
        if best is None or after < best.after - 1e-9:
            best = Proposal(stage, candidate, order, values.history)
            best.before, best.after, best.soft, best.preds = before, after, soft, preds
    if best is not None and _worth(before, best.after):
        best.blocked = _blocked(best, values)
        best.moves = _moves(best)
        return best
    return None


def _promising(
    context: RuleContext,
    effects: list[Effect],
    volatile: frozenset[int],
    frozen: frozenset[int],
    file_cost: float,
) -> bool:
    """Whether the costly steps that could swap with an earlier step whose key may change
    may save ``MIN_SAVING`` together.

    A step re-runs less in another order only when such a step before it moves below
    it, so the two must not conflict; it saves at most its own cost (``may_pay``: a
    COPY, ADD or WORKDIR ``file_cost``, a RUN or a download maybe more). Without enough
    of them no order is cheaper, so the cost model need not run.
    """
    from lintlayers.reorder.effects import conflict

    classic = context.builder == "classic"
    changers: list[Effect] = []
    saving = 0.0
    for position, effect in enumerate(effects):
        if position in frozen:
            continue
        keyword = effect.keyword
        if keyword in COSTLY and any(conflict(first, effect) is None for first in changers):
            if may_cost_more(effect.instruction, keyword):
                return True
            saving += file_cost
            if saving >= MIN_SAVING:
                return True
        if may_change(effect.instruction, keyword, volatile, classic):
            changers.append(effect)
    return False


def _worth(before: float, after: float) -> bool:
    saving = before - after
    return saving >= MIN_SAVING and saving >= MIN_SHARE * before


def _floor(items: Sequence[Item], values: StageInputs) -> float:
    """A lower bound of the cost of every order of ``items``: each step re-runs at least
    in the commits that change its own key or the base image."""
    if values.commits <= 0:
        return 0.0
    base = values.base
    total = sum(item.cost * (base | item.changes).bit_count() for item in items)
    return total / values.commits


def _cost(items: Sequence[Item], order: Sequence[int], values: StageInputs) -> float:
    from lintlayers.reorder.search import order_cost

    return order_cost(
        order,
        [item.cost for item in items],
        [item.changes for item in items],
        values.commits,
        values.base,
    )


def _precedence(
    items: list[Item], frozen: frozenset[int]
) -> tuple[list[int], dict[tuple[int, int], Conflict]]:
    """Predecessor bitsets (every conflict), and the unproven conflicts by pair."""
    from lintlayers.reorder.effects import conflict

    preds: list[int] = []
    soft: dict[tuple[int, int], Conflict] = {}
    for later, item in enumerate(items):
        mask = 0
        pinned = item.index is not None and item.index in frozen
        for earlier in range(later):
            other = items[earlier]
            if pinned or (other.index is not None and other.index in frozen):
                mask |= 1 << earlier
                continue
            found = conflict(other.effect, item.effect)
            if found is None:
                continue
            mask |= 1 << earlier
            if not found.proven:
                soft[(earlier, later)] = found
        preds.append(mask)
    return preds, soft


def _with_splits(
    context: RuleContext,
    stage: Stage,
    items: list[Item],
    splits: list[Split],
    values: StageInputs,
) -> list[Item] | None:
    """``items`` with each usable split's new COPYs inserted just before its broad COPY."""
    from lintlayers.reorder.effects import Analyser

    model = context.model
    scopes = [scope for _, scope in model.walk(stage)]
    from lintlayers.model.steps import Step, sequences

    steps = {id(step.instruction): step for sequence in sequences(context) for step in sequence}
    result = list(items)
    used = False
    for split in sorted(splits, key=lambda split: -split.broad):
        broad_item = items[split.broad]
        step = steps.get(id(broad_item.effect.instruction))
        if step is None:
            continue
        analyser = Analyser(context, frozenset(), True)
        new_items: list[Item] = []
        for instruction, sources in zip(split.instructions, split.sources, strict=True):
            scope = scopes[split.broad]
            new_step = Step(instruction, stage, scope, step.state, False)
            effect = analyser.effect(-1, instruction, scopes[split.broad], new_step)
            effect.line = broad_item.effect.line
            changes = values.changes_of_sources(sources)
            new_items.append(Item(effect, values.file_cost, changes, None, "", split))
        if not _split_is_sound(result, broad_item, new_items):
            continue
        for new_item, text in zip(new_items, _lines(split.text), strict=True):
            new_item.text = text
        broad = broad_item.effect.clone()  # the candidate without the split keeps the original
        visible = broad.writes.copy()
        for new_item in new_items:
            visible.exclude.extend(parts for parts, _, _ in new_item.effect.writes.entries)
        broad.writes_visible = visible
        position = result.index(broad_item)
        result[position] = Item(broad, broad_item.cost, broad_item.changes, broad_item.index)
        result[position:position] = new_items
        used = True
    return result if used else None


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _split_is_sound(items: list[Item], broad: Item, new_items: list[Item]) -> bool:
    """Whether the new COPYs write exactly known files (no widened path).

    Nothing else needs checking: an instruction writing those files conflicts with
    both the new COPY and the broad one (which writes them in full), so the DAG keeps
    it outside the pair, and every reader of them between the two sees the same
    content the broad COPY would have given it.
    """
    for new_item in new_items:
        writes = new_item.effect.writes
        if not writes or any(not parts or vague for parts, vague, _ in writes.entries):
            return False
    return not broad.effect.barrier


# ------------------------------------------------------------------------ describing


def _moves(proposal: Proposal) -> list[str]:
    """The main moves, most displaced instruction first: "X moves below Y"."""
    found: list[str] = []
    seen: set[int] = set()
    for item in proposal.items:
        split = item.split
        if item.index is None and split is not None and id(split) not in seen:
            seen.add(id(split))
            run = proposal.items[[other.index for other in proposal.items].index(split.run)]
            broad = proposal.items[[other.index for other in proposal.items].index(split.broad)]
            found.append(
                f"copy {_names(split.text)} on their own first, so that {run.describe()} "
                f"no longer waits for {broad.describe()}"
            )
    originals = [item for item in proposal.ordered if item.index is not None]
    place = {id(item): position for position, item in enumerate(originals)}
    by_id = {id(item): item for item in originals}
    inversions = {
        (id(item), id(other))
        for item in originals
        for other in originals
        if (item.index or 0) < (other.index or 0) and place[id(item)] > place[id(other)]
    }
    neutral = {key for key, item in by_id.items() if not item.cost and not item.changes}
    if any(not {first, second} & neutral for first, second in inversions):
        # an instruction that costs nothing and never changes only rides along
        inversions = {pair for pair in inversions if not set(pair) & neutral}
    while inversions and len(found) < MAX_MOVES:
        counts: dict[int, int] = {}
        for first, second in inversions:
            counts[first] = counts.get(first, 0) + 1
            counts[second] = counts.get(second, 0) + 1
        mover = max(
            counts, key=lambda key: (counts[key], by_id[key].changes.bit_count(), -place[key])
        )
        item = by_id[mover]
        down = [second for first, second in inversions if first == mover]
        if down:
            last = max(down, key=lambda key: place[key])
            found.append(f"{item.describe()} moves below {by_id[last].describe()}")
        else:
            up = [first for first, second in inversions if second == mover]
            first_up = min(up, key=lambda key: place[key])
            found.append(f"{item.describe()} moves above {by_id[first_up].describe()}")
        inversions = {pair for pair in inversions if mover not in pair}
    return found


def _names(text: str) -> str:
    sources: list[str] = []
    for line in text.splitlines():
        words = line.split()
        sources.extend(word for word in words[1:-1] if not word.startswith("--"))
    return ", ".join(sources) if sources else "the manifests"


def _unknown_command(items: list[Item], pair: tuple[int, int]) -> bool:
    """Whether the pair conflicts through a RUN lintlayers cannot analyse.

    Such a RUN (a build, a script) most likely uses what comes before it: saying it
    could move would be noise, so these stay unmentioned.
    """
    return any(items[index].effect.unknown for index in pair)


def _blocked(proposal: Proposal, values: StageInputs) -> list[Blocked]:
    """Moves the proven-only DAG allows and the full one does not, with what they would save.

    Only conflicts that are possible but unproven count (a variable the RUN may read,
    a path that depends on an unknown working directory or variable), and only when
    breaking that one conflict would save ``MIN_SAVING``.
    """
    soft = proposal.soft
    if not soft:
        return []
    from lintlayers.reorder.search import best_order

    items = proposal.items
    preds = proposal.preds
    relaxed = list(preds)
    for earlier, later in soft:
        if not _unknown_command(items, (earlier, later)):
            relaxed[later] &= ~(1 << earlier)
    costs = [item.cost for item in items]
    changes = [item.changes for item in items]
    loose = best_order(costs, changes, relaxed, values.commits, base=values.base)
    loose_cost = _cost(items, loose, values)
    if not _worth(proposal.after, loose_cost):
        return []
    place = {step: position for position, step in enumerate(loose)}
    broken = [(pair, soft[pair]) for pair in soft if place[pair[0]] > place[pair[1]]]
    found: list[Blocked] = []
    for (earlier, later), reason in broken:
        one = list(preds)
        one[later] &= ~(1 << earlier)
        trial = best_order(costs, changes, one, values.commits, base=values.base)
        saving = proposal.after - _cost(items, trial, values)
        if saving < MIN_SAVING:
            continue
        upward = items[later].cost >= items[earlier].cost
        mover, other = (items[later], items[earlier]) if upward else (items[earlier], items[later])
        found.append(Blocked(mover, other, upward, reason.reason, saving))
    found.sort(key=lambda blocked: -blocked.saving)
    return found[:MAX_BLOCKED]
