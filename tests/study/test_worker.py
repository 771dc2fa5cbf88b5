"""When a study run may fork its worker process, rather than spawn it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys, threading
from valuechain.study.runner import _fork_safe
out = [_fork_safe()]
if sys.argv[1] == "thread":
    ev = threading.Event()
    t = threading.Thread(target=ev.wait, daemon=True)
    t.start()
    out.append(_fork_safe())
    ev.set()
    t.join()
    out.append(_fork_safe())
elif sys.argv[1] == "solve":
    import valuechain as vc
    from valuechain.opt import build, solve
    solve(build(vc.load_network("toy-transport")))
    out.append(_fork_safe())
print(out)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the worker is forked on Linux only")
@pytest.mark.parametrize(("case", "expected"), [("thread", "[True, False, True]"), ("solve", "[True, False]")])
def test_the_worker_is_forked_only_from_a_process_with_no_other_thread(case: str, expected: str) -> None:
    # A fresh process may fork; one running another thread may not while it runs; one that has
    # solved with HiGHS (whose scheduler keeps native threads) may not any more.
    proc = subprocess.run([sys.executable, "-c", CHECK, case], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == expected
