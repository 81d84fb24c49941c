"""`./kefu bench fanout` (bench/fanout.py) runs briefly on this machine's Redis:
every emit reaches its window with either manager, and the figures show what the
routing is for (the stock manager decodes each emit in every process, the routed
one only where it must)."""

import re

from bench import fanout as fanout_bench


def test_the_fanout_benchmark_delivers_every_emit_and_shows_the_routed_manager_decode_less(
    capsys,
):
    assert fanout_bench.main(["--processes", "1,3", "--emits", "200"]) == 0
    printed = capsys.readouterr().out
    rows = {
        (int(processes), kind): (float(decoded), delivered)
        for processes, kind, decoded, delivered in re.findall(
            r"^ +(\d+) +(stock|routed) +([\d.]+) +[\d.]+ +[\d.]+ +[\d.]+s (\d+/\d+)$",
            printed,
            re.MULTILINE,
        )
    }
    assert set(rows) == {(1, "stock"), (1, "routed"), (3, "stock"), (3, "routed")}, printed
    assert all(delivered == "200/200" for _, delivered in rows.values()), printed
    assert rows[(3, "stock")][0] == 3.0  # every process decodes every emit
    assert rows[(3, "routed")][0] < 0.2  # only the agents' replies from elsewhere
