import time, pytest, json
pytestmark = pytest.mark.e2e
def test_profile(web, filled_round, users):
    p = web.page(user=users["coordinator_a"])
    for i in range(2):
        t=time.time()
        p.goto("/runder/runde-2026/kommuner/4640/")
        print("goto", time.time()-t)
        print(json.dumps(p.evaluate("() => performance.getEntriesByType('resource').map(e => [e.name.slice(-30), Math.round(e.startTime), Math.round(e.duration), Math.round(e.responseStart-e.requestStart)]).concat(performance.getEntriesByType('navigation').map(e => ['nav', Math.round(e.responseStart), Math.round(e.responseEnd), Math.round(e.domContentLoadedEventEnd)]))"), indent=0))
