"""The order of a stage's steps that minimizes the expected rebuild cost.

Inputs are plain: ``costs[i]`` what re-running step ``i`` costs, ``changes[i]`` the
commits (a bitset: bit ``k`` for commit ``k``) in which step ``i``'s own key changes,
``preds[i]`` the steps that must come before ``i`` (a bitset of step indexes) and
``commits`` how many commits there are. ``base`` holds the commits in which the
whole stage re-runs anyway (its base image or an earlier stage changed).

A commit re-runs every step at or after the first step whose key changed, so an
order ``o`` costs ``sum(costs[o[k]] * |base | changes[o[0]] | ... | changes[o[k]]|)``
divided by ``commits``: the set of commits that reach position ``k`` only depends on
which steps come before it, not on their order.

``best_order`` splits the steps at cut points (steps every other step must precede or
follow), solves each part exactly by dynamic programming over its order ideals (the
cost of the rest depends only on the set already placed) when there are at most
``exact_limit`` of them, and otherwise by a ratio greedy (stable and costly first)
followed by insertion moves that keep only strict improvements. Time is polynomial:
the DP is capped, the greedy is quadratic, each improvement pass is quadratic.
Among orders of equal cost it keeps the given order as far as it can, so an optimal
stage is returned unchanged.
"""

from __future__ import annotations

from lintlayers.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

EPSILON = 1e-9
EXACT_LIMIT = 4096
"""Most order ideals the exact search visits in one part before it falls back."""
MAX_PASSES = 60


class OrderError(Exception):
    """An order that breaks the precedence DAG (a bug: never returned to users)."""


def order_cost(
    order: Sequence[int],
    costs: Sequence[float],
    changes: Sequence[int],
    commits: int,
    base: int = 0,
) -> float:
    """Mean cost per commit of the steps that re-run, for steps run in ``order``."""
    if commits <= 0:
        return 0.0
    missed = base
    total = 0.0
    for step in order:
        missed |= changes[step]
        total += costs[step] * missed.bit_count()
    return total / commits


def check_order(order: Sequence[int], preds: Sequence[int]) -> None:
    """Raise ``OrderError`` unless ``order`` is a permutation respecting ``preds``."""
    placed = 0
    for step in order:
        if placed >> step & 1:
            raise OrderError(f"step {step} placed twice")
        if preds[step] & ~placed:
            raise OrderError(f"step {step} placed before one of its predecessors")
        placed |= 1 << step
    if placed != (1 << len(preds)) - 1:
        raise OrderError("not every step is placed")


def best_order(
    costs: Sequence[float],
    changes: Sequence[int],
    preds: Sequence[int],
    commits: int,
    *,
    base: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> list[int]:
    """A cheapest order of the steps ``0..n-1`` that respects ``preds`` (see the module).

    The identity order is returned when nothing is strictly cheaper.
    """
    count = len(costs)
    if count == 0:
        return []
    check_order(range(count), preds)  # the given order must itself respect the DAG
    ancestors = _closure(preds)
    order: list[int] = []
    missed = base
    for part in _parts(ancestors, count):
        if len(part) == 1:
            chosen = part
        else:
            chosen = _solve_part(part, costs, changes, ancestors, missed, exact_limit)
        order.extend(chosen)
        for step in part:
            missed |= changes[step]
    check_order(order, preds)
    identity = list(range(count))
    if order_cost(order, costs, changes, commits, base) >= order_cost(
        identity, costs, changes, commits, base
    ) - EPSILON * max(1.0, sum(costs)):
        return identity
    return order


def _closure(preds: Sequence[int]) -> list[int]:
    """Every step's ancestors (transitively), given that predecessors come earlier."""
    ancestors: list[int] = []
    for step, direct in enumerate(preds):
        found = direct
        rest = direct
        while rest:
            low = rest & -rest
            found |= ancestors[low.bit_length() - 1]
            rest ^= low
        ancestors.append(found)
        if direct >> step:
            raise OrderError(f"step {step} must follow a later step")
    return ancestors


def _parts(ancestors: list[int], count: int) -> list[list[int]]:
    """Runs of consecutive steps between cut points; each cut point is a part of its own."""
    descendants = [0] * count
    for step in range(count):
        rest = ancestors[step]
        while rest:
            low = rest & -rest
            descendants[low.bit_length() - 1] |= 1 << step
            rest ^= low
    full = (1 << count) - 1
    parts: list[list[int]] = []
    current: list[int] = []
    for step in range(count):
        if ancestors[step] | descendants[step] | (1 << step) == full:
            if current:
                parts.append(current)
                current = []
            parts.append([step])
        else:
            current.append(step)
    if current:
        parts.append(current)
    return parts


def _solve_part(
    part: list[int],
    costs: Sequence[float],
    changes: Sequence[int],
    ancestors: list[int],
    missed: int,
    exact_limit: int,
) -> list[int]:
    """The best order of the steps of ``part`` (global indexes), already missed ``missed``."""
    size = len(part)
    local = {step: position for position, step in enumerate(part)}
    preds: list[int] = []
    for step in part:
        mask = 0
        rest = ancestors[step]
        while rest:
            low = rest & -rest
            other = low.bit_length() - 1
            if other in local:
                mask |= 1 << local[other]
            rest ^= low
        preds.append(mask)
    part_costs = [costs[step] for step in part]
    part_changes = [changes[step] for step in part]
    order = _exact(part_costs, part_changes, preds, missed, exact_limit)
    if order is None:
        order = _heuristic(part_costs, part_changes, preds, missed)
    order = _prefer_given(order, part_costs, part_changes, preds, missed)
    _check_local(order, preds, size)
    return [part[position] for position in order]


def _check_local(order: list[int], preds: list[int], size: int) -> None:
    if len(order) != size:
        raise OrderError("a part lost steps")
    check_order(order, preds)


def _raw_cost(order: Sequence[int], costs: Sequence[float], changes: Sequence[int], missed: int):
    total = 0.0
    for step in order:
        missed |= changes[step]
        total += costs[step] * missed.bit_count()
    return total


# ------------------------------------------------------------------------------ exact


def _exact(
    costs: list[float], changes: list[int], preds: list[int], missed: int, limit: int
) -> list[int] | None:
    """Dynamic programming over the order ideals, layer by layer; None past ``limit``."""
    size = len(costs)
    full = (1 << size) - 1
    followers = [0] * size
    for step, mask in enumerate(preds):
        rest = mask
        while rest:
            low = rest & -rest
            followers[low.bit_length() - 1] |= 1 << step
            rest ^= low
    start = sum(1 << step for step in range(size) if not preds[step])
    # state: placed mask -> (cost so far, missed commits, available steps, previous, last)
    layer: dict[int, tuple[float, int, int, int, int]] = {0: (0.0, missed, start, -1, -1)}
    back: dict[int, tuple[int, int]] = {}
    budget = limit * 6  # transitions tried, bounding the time whatever the DAG's width
    seen = 1
    for _ in range(size):
        following: dict[int, tuple[float, int, int, int, int]] = {}
        for mask, (cost, state, available, _, _) in layer.items():
            budget -= available.bit_count()
            if budget < 0 or seen + len(following) > limit:
                return None
            rest = available
            while rest:
                bit = rest & -rest
                rest ^= bit
                step = bit.bit_length() - 1
                reached = state | changes[step]
                total = cost + costs[step] * reached.bit_count()
                key = mask | bit
                known = following.get(key)
                if known is None or total < known[0] - EPSILON:
                    opened = available & ~bit
                    candidates = followers[step]
                    while candidates:
                        low = candidates & -candidates
                        candidates ^= low
                        if not preds[low.bit_length() - 1] & ~key:
                            opened |= low
                    following[key] = (total, reached, opened, mask, step)
        for key, (_, _, _, previous, step) in following.items():
            back[key] = (previous, step)
        seen += len(following)
        if seen > limit:
            return None
        layer = following
    order: list[int] = []
    mask = full
    while mask:
        previous, step = back[mask]
        order.append(step)
        mask = previous
    order.reverse()
    return order


# -------------------------------------------------------------------------- heuristic


def _heuristic(costs: list[float], changes: list[int], preds: list[int], missed: int) -> list[int]:
    """The best of the given order and a ratio greedy, each improved by insertion moves."""
    size = len(costs)
    candidates = [list(range(size)), _greedy(costs, changes, preds, missed)]
    best: list[int] | None = None
    best_cost = 0.0
    for start in candidates:
        improved = _improve(start, costs, changes, preds, missed)
        cost = _raw_cost(improved, costs, changes, missed)
        if best is None or cost < best_cost - EPSILON:
            best, best_cost = improved, cost
    assert best is not None
    return best


def _greedy(costs: list[float], changes: list[int], preds: list[int], missed: int) -> list[int]:
    """Place next the available step with the fewest new misses per unit of cost."""
    size = len(costs)
    placed = 0
    order: list[int] = []
    state = missed
    for _ in range(size):
        best = -1
        best_key: tuple[float, float, int] | None = None
        for step in range(size):
            bit = 1 << step
            if placed & bit or preds[step] & ~placed:
                continue
            new = (changes[step] & ~state).bit_count()
            cost = costs[step]
            ratio = new / cost if cost > 0 else (0.0 if new == 0 else float("inf"))
            key = (ratio, -cost, step)
            if best_key is None or key < best_key:
                best, best_key = step, key
        order.append(best)
        placed |= 1 << best
        state |= changes[best]
    return order


def _improve(
    order: list[int], costs: list[float], changes: list[int], preds: list[int], missed: int
) -> list[int]:
    """Move single steps earlier or later while that strictly lowers the cost."""
    order = list(order)
    size = len(order)
    for _ in range(MAX_PASSES):
        changed = False
        for position in range(size):
            move = _best_move(order, position, costs, changes, preds, missed)
            if move is not None:
                step = order.pop(position)
                order.insert(move, step)
                changed = True
        if not changed:
            break
    return order


def _best_move(
    order: list[int],
    position: int,
    costs: list[float],
    changes: list[int],
    preds: list[int],
    missed: int,
) -> int | None:
    """The position to move ``order[position]`` to that lowers the cost most, if any."""
    prefix = [missed]
    for step in order:
        prefix.append(prefix[-1] | changes[step])
    moved = order[position]
    moved_changes = changes[moved]
    moved_cost = costs[moved]
    moved_bit = 1 << moved
    here = moved_cost * prefix[position + 1].bit_count()
    best_gain = EPSILON * max(1.0, moved_cost)
    best: int | None = None
    # earlier: the steps between slide one later and now also see moved_changes
    gain_between = 0.0
    for target in range(position - 1, -1, -1):
        other = order[target]
        if preds[moved] & (1 << other):
            break
        before = prefix[target + 1]
        gain_between -= costs[other] * ((before | moved_changes).bit_count() - before.bit_count())
        there = moved_cost * (prefix[target] | moved_changes).bit_count()
        gain = here - there + gain_between
        if gain > best_gain:
            best_gain, best = gain, target
    # later: the steps between slide one earlier and no longer see moved_changes
    gain_between = 0.0
    without = prefix[position]
    for target in range(position + 1, len(order)):
        other = order[target]
        if preds[other] & moved_bit:
            break
        without |= changes[other]
        gain_between += costs[other] * (prefix[target + 1].bit_count() - without.bit_count())
        there = moved_cost * (without | moved_changes).bit_count()
        gain = here - there + gain_between
        if gain > best_gain:
            best_gain, best = gain, target
    return best


# ------------------------------------------------------------------------- tie-breaks


def _prefer_given(
    order: list[int], costs: list[float], changes: list[int], preds: list[int], missed: int
) -> list[int]:
    """Bubble steps back toward the given order where that costs nothing more."""
    order = list(order)
    scale = EPSILON * max(1.0, sum(costs))
    changed = True
    rounds = 0
    while changed and rounds < len(order) + 1:
        changed = False
        rounds += 1
        state = missed
        for position in range(len(order) - 1):
            first, second = order[position], order[position + 1]
            if first > second and not preds[second] & (1 << first):
                current = (
                    costs[first] * (state | changes[first]).bit_count()
                    + costs[second] * (state | changes[first] | changes[second]).bit_count()
                )
                swapped = (
                    costs[second] * (state | changes[second]).bit_count()
                    + costs[first] * (state | changes[first] | changes[second]).bit_count()
                )
                if swapped <= current + scale:
                    order[position], order[position + 1] = second, first
                    changed = True
            state |= changes[order[position]]
    return order
