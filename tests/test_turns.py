"""Keys in turn (tutor.classroom.turns): as many sessions at once as there are slots, the
others in the order they came, a turn ended by output, by its patience, or by leaving."""

from __future__ import annotations

import asyncio

from tutor.classroom.turns import TURNS_PER_CORE, Turn, Turns, cores


async def test_two_slots_serve_five_sessions_in_the_order_they_came() -> None:
    turns = Turns(slots=2, patience=10)
    order: list[int] = []
    held: dict[int, Turn] = {}

    async def session(n: int) -> None:
        held[n] = await turns.take()
        order.append(n)

    tasks = [asyncio.create_task(session(n)) for n in range(5)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == [0, 1] and turns.waiting == 3  # two at once, three in line
    held[1].end()  # the app for session 1 drew its frame
    await asyncio.sleep(0)
    assert order == [0, 1, 2]
    held[0].end()
    held[0].end()  # ending twice gives back one slot only
    await asyncio.sleep(0)
    assert order == [0, 1, 2, 3] and turns.waiting == 1
    for n in (2, 3):
        held[n].end()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4] and turns.waiting == 0
    held[4].end()
    assert (await turns.take()) is not None  # every slot back: no wait


async def test_a_key_that_draws_nothing_gives_its_turn_up_after_its_patience() -> None:
    turns = Turns(slots=1, patience=0.05)
    first = await turns.take()
    started = asyncio.get_running_loop().time()
    second = await asyncio.wait_for(turns.take(), 2)
    assert first.ended and not second.ended
    assert asyncio.get_running_loop().time() - started >= 0.04


async def test_a_session_that_leaves_while_waiting_leaves_the_line() -> None:
    turns = Turns(slots=1, patience=10)
    first = await turns.take()
    leaving = asyncio.create_task(turns.take())
    staying = asyncio.create_task(turns.take())
    await asyncio.sleep(0)
    assert turns.waiting == 2
    leaving.cancel()
    await asyncio.sleep(0)
    assert turns.waiting == 1
    first.end()
    turn = await asyncio.wait_for(staying, 1)  # the slot went to the one still there
    turn.end()
    assert turns.waiting == 0
    again = await asyncio.wait_for(turns.take(), 1)
    again.end()


def test_slots_default_to_two_per_core_this_process_may_use() -> None:
    assert Turns().slots == TURNS_PER_CORE * cores() >= 2
