"""Routing policies: the registry both the workload evaluation and the usage-log re-pricing build from, and the article router read from data/router.csv."""

from __future__ import annotations

import pytest

from analysis.traffic import policies as traffic_policies
from analysis.traffic import reprice as traffic_reprice
from analysis.traffic.capabilities import capabilities
from analysis.traffic.demo_log import generate_usage_log
from analysis.traffic.evaluate import evaluate
from analysis.traffic.router import load_router, route_for, routes
from analysis.traffic.workload import TASK_TYPES, example_workload


@pytest.fixture(scope="module")
def caps():
    return capabilities()


# --------------------------------------------------------------------------- one article router


def test_notebooks_05_and_06_send_each_task_type_to_the_same_models():
    # 05 routes a prompt by route_for(task_type, routes(load_router())); 06 evaluates article_router()
    table = routes(load_router())
    policy = traffic_policies.article_router()
    assert set(policy.routes) == set(TASK_TYPES)
    for task in TASK_TYPES:
        assert policy.routes[task] == tuple(route_for(task, table)), task
    # and the router both notebooks evaluate is the one the evaluation and the log re-pricing use
    ev = evaluate(example_workload(), capabilities(), budget_usd=2000)
    assert ev.policy("router").routes == policy.routes


def test_the_router_follows_router_csv_with_its_best_value_rule_resolved():
    p = traffic_policies.article_router()
    # as the shipped table has it: best_value:ceval is DeepSeek V4 Flash; text on V4 Flash, vision on GPT-4o
    for text_task in ("chinese", "code", "reasoning", "general"):
        assert p.routes[text_task] == ("DeepSeek V4 Flash", "GPT-4o"), text_task
    assert p.routes["vision"] == ("GPT-4o",)
    assert "best_value:ceval is DeepSeek V4 Flash" in p.notes[0]


def test_a_users_router_table_is_what_every_policy_list_uses(tmp_path, caps):
    path = tmp_path / "router.csv"
    path.write_text("task_type,rank,model,note\ncode,1,GLM-5,mine\nvision,1,GPT-4o,\ndefault,1,Qwen3-32B,rest\n")
    router = load_router(path)
    p = traffic_policies.article_router(router)
    assert p.routes["code"] == ("GLM-5",) and p.routes["general"] == ("Qwen3-32B",)
    assert p.notes[0].startswith("as router.csv routes it: code to GLM-5; reasoning, chinese and general to Qwen3-32B")
    ev = evaluate(example_workload(), caps, budget_usd=2000, router=router)
    a = ev.assignments.set_index(["policy", "task_type"]).model
    assert a[(traffic_policies.ARTICLE_ROUTER, "code")] == "GLM-5"
    assert a[(traffic_policies.ARTICLE_ROUTER, "reasoning")] == "Qwen3-32B"
    log = generate_usage_log(tmp_path / "log.csv", rows=300, seed=2)
    scan = traffic_reprice.scan_usage_log(log, list(caps.index), caps.context_window_tokens.dropna().unique())
    [router_policy] = [q for q in traffic_reprice.log_policies(scan, caps, router=router) if q.kind == "router"]
    assert router_policy.routes == p.routes


# --------------------------------------------------------------------------- the registry


def test_the_shipped_kinds_in_order(caps):
    assert list(traffic_policies.POLICY_KINDS) == ["single", "router", "threshold", "optimised"]
    ps = traffic_policies.build_policies(caps, example_workload(), budget_usd=2000)
    assert [p.name for p in ps] == [*caps.index, traffic_policies.ARTICLE_ROUTER, traffic_policies.THRESHOLD_POLICY,
                                    traffic_policies.OPTIMISED_POLICY]
    # without a workload (a log with no priced row) only the router; without a budget the log optimises nothing
    assert [p.kind for p in traffic_policies.build_policies(caps, None)] == ["single"] * len(caps) + ["router"]
    w = example_workload()
    assert [p.kind for p in traffic_policies.build_policies(caps, w, budget_only=True, per_model=False)] == \
        ["router", "threshold"]
    assert [p.kind for p in traffic_policies.build_policies(caps, w, budget_usd=5.0, budget_only=True,
                                                            per_model=False)] == ["router", "threshold", "optimised"]


def test_evaluation_and_log_repricing_build_the_same_list(tmp_path, caps):
    log = generate_usage_log(tmp_path / "log.csv", rows=500, seed=4)
    scan = traffic_reprice.scan_usage_log(log, list(caps.index), caps.context_window_tokens.dropna().unique())
    from_log = traffic_reprice.log_policies(scan, caps, budget_usd=100.0)
    direct = traffic_policies.build_policies(caps, traffic_reprice.log_workload(scan), budget_usd=100.0,
                                             per_model=False)
    assert from_log == direct  # same names, kinds and routes


@pytest.fixture
def gpt4o_only_for_code():
    """A fake policy kind registered for one test: code on GPT-4o-mini, everything else on GPT-4o."""

    @traffic_policies.register_policy("mini for code")
    def build(inputs):
        routes = {t: ("GPT-4o-mini", "GPT-4o") if t == "code" else ("GPT-4o",) for t in TASK_TYPES}
        return [traffic_policies.Policy("mini for code", "mini for code", routes, notes=("a test policy",))]

    yield "mini for code"
    traffic_policies.POLICY_KINDS.pop("mini for code", None)  # the test may have removed it already


def test_a_registered_policy_is_used_end_to_end_then_removed(tmp_path, caps, gpt4o_only_for_code):
    ev = evaluate(example_workload(), caps, budget_usd=2000)
    s = ev.summary.set_index("policy")
    a = ev.assignments.set_index(["policy", "task_type"])
    # code: 300,000 requests of 2,000 in and 600 out on GPT-4o-mini; the rest on GPT-4o
    expected = (a.loc[("GPT-4o-mini", "code"), "monthly_cost_usd"]
                + sum(a.loc[("GPT-4o", t), "monthly_cost_usd"] for t in TASK_TYPES if t != "code"))
    assert s.loc["mini for code", "monthly_cost_usd"] == pytest.approx(expected)
    assert s.loc["mini for code", "monthly_cost_usd"] < s.loc["GPT-4o", "monthly_cost_usd"]
    assert ev.policy("mini for code").kind == "mini for code"
    # the usage-log re-pricing prices it too, from the same registry
    report = traffic_reprice.reprice_log(generate_usage_log(tmp_path / "log.csv", rows=400, seed=6), caps)
    t = report.totals.set_index("scenario")
    assert t.loc["mini for code", "kind"] == "mini for code" and t.loc["mini for code", "rows_unserved"] == 0
    assert t.loc["mini for code", "cost_usd"] < t.loc["GPT-4o", "cost_usd"]
    traffic_policies.unregister_policy("mini for code")
    assert "mini for code" not in set(evaluate(example_workload(), caps).summary.policy)
    with pytest.raises(ValueError, match="no policy 'mini for code'"):
        evaluate(example_workload(), caps).policy("mini for code")


def test_single_is_not_a_policy_name(caps):
    ev = evaluate(example_workload(), caps)
    with pytest.raises(ValueError, match="no policy 'single'"):
        ev.policy("single")
    assert ev.policy("threshold").name == traffic_policies.THRESHOLD_POLICY
