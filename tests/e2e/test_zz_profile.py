import time, pytest
from .helpers import run_axe
pytestmark = pytest.mark.e2e
def test_profile(web, filled_round, users):
    t=time.time()
    def lap(msg):
        nonlocal t
        print(f"{msg}: {time.time()-t:.2f}s"); t=time.time()
    p = web.page(user=users["coordinator_a"])
    lap("context")
    p.goto("/runder/runde-2026/kommuner/4640/", wait_until="domcontentloaded"); lap("goto report dcl")
    p.wait_for_load_state("load"); lap("load")
    p.wait_for_selector("#chart-radar .main-svg"); lap("radar")
    run_axe(p, "x"); lap("axe report")
    p.goto("/runder/runde-2026/kommuner/4640/dimensjon/trygghet/"); lap("dimension")
    run_axe(p, "x"); lap("axe dim")
    p.goto("/runder/runde-2026/sammenligning/"); lap("bench")
    run_axe(p, "x"); lap("axe bench")
    p.goto("/kommune/4640/runder/runde-2026/"); lap("dash")
    run_axe(p, "x"); lap("axe dash")
