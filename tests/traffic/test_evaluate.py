"""Workloads, policies, the budget optimiser and the policy figures (analysis/routing.py)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import paths
from analysis.figures import traffic as figures_traffic
from analysis.pages import routing as pages_routing
from analysis.traffic import evaluate as traffic_evaluate
from analysis.traffic import policies as traffic_policies
from analysis.traffic import workload as traffic_workload
from analysis.traffic.capabilities import capabilities, task_model_table
from analysis.traffic.evaluate import evaluate
from analysis.traffic.policies import ARTICLE_ROUTER, OPTIMISED_POLICY, THRESHOLD_POLICY, optimise_policy
from analysis.traffic.workload import Workload, WorkloadError, example_workload, load_workload
from tests.oracles import brute_force_optimum


@pytest.fixture(scope="module")
def caps():
    return capabilities()


# --------------------------------------------------------------------------- workload files


def test_example_workload_is_labelled_an_assumption_and_sums_to_one():
    w = example_workload()
    assert w.tasks.share.sum() == pytest.approx(1.0)
    assert set(w.tasks.task_type) == set(traffic_workload.TASK_TYPES)
    assert w.requests_per_month == 1_000_000
    text = (paths.DATA / "workload-example.yml").read_text()
    meta = (paths.DATA / "workload-example.meta.yml").read_text()
    assert "ASSUMPTION" in text.upper().splitlines()[0] and "kind: assumption" in meta


def test_workload_errors_name_file_line_key_value_expected_all_at_once(tmp_path):
    path = tmp_path / "w.yml"
    path.write_text(
        "requests_per_month: lots\n"          # 1
        "colour: blue\n"                      # 2
        "tasks:\n"                            # 3
        "  code: {share: 0.5, input_tokens: -3, output_tokens: 10}\n"  # 4
        "  poetry: {share: 0.5, input_tokens: 1, output_tokens: 1}\n"   # 5
        "  general: {share: 0.5, input_tokens: 1}\n"                    # 6
        "  code: {share: 0.1, input_tokens: 1, output_tokens: 1}\n")    # 7
    with pytest.raises(WorkloadError) as err:
        load_workload(path)
    found = {(p.line, p.column, p.value) for p in err.value.problems}
    assert found == {
        (1, "requests_per_month", "lots"),
        (2, "colour", None),
        (4, "tasks.code.input_tokens", "-3"),
        (5, "tasks", "poetry"),
        (6, "tasks.general.output_tokens", None),
        (7, "tasks.code", None),
    }
    message = str(err.value)
    assert message.startswith("6 problems in the workload:")
    assert f"{path}, line 4, key 'tasks.code.input_tokens': got '-3'; expected input tokens per request" in message
    assert "line 7, key 'tasks.code': expected each task type once (already on line 4)" in message
    assert "a task type: code, reasoning, chinese, vision, general" in message


def test_workload_shares_must_sum_to_one(tmp_path):
    path = tmp_path / "w.yml"
    path.write_text("requests_per_month: 10\ntasks:\n  code: {share: 0.5, input_tokens: 1, output_tokens: 1}\n"
                    "  general: {share: 0.3, input_tokens: 1, output_tokens: 1}\n")
    with pytest.raises(WorkloadError) as err:
        load_workload(path)
    [p] = err.value.problems
    assert (p.line, p.column, p.value, p.expected) == (3, "tasks.*.share", "0.8", "shares summing to 1")


def test_workload_yaml_syntax_and_missing_file(tmp_path):
    path = tmp_path / "w.yml"
    path.write_text("tasks: [unclosed\n")
    with pytest.raises(WorkloadError) as err:
        load_workload(path)
    assert err.value.problems[0].expected.startswith("valid YAML")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_workload(tmp_path / "nope.yml")


def test_mix_and_volume(caps):
    w = example_workload().with_mix(traffic_workload.parse_mapping("code:0.25, general:0.75")).with_volume(4e5)
    shares = w.tasks.set_index("task_type").share
    assert shares["code"] == 0.25 and shares["general"] == 0.75 and shares["vision"] == 0
    assert w.frame().set_index("task_type").requests_per_month["general"] == 300_000
    with pytest.raises(WorkloadError, match="shares summing to 1"):
        example_workload().with_mix({"code": 0.5})
    with pytest.raises(ValueError, match="expected one of code, reasoning"):
        traffic_workload.parse_mapping("poetry:1")
    assert traffic_workload.parse_mapping(traffic_workload.format_mapping({"code": 91.5})) == {"code": 91.5}


# --------------------------------------------------------------------------- capabilities


def test_vision_only_where_the_data_says_true(caps):
    assert caps.index[caps.vision].tolist() == ["GPT-4o"]
    assert not caps.loc["DeepSeek V4 Flash", "vision"] and caps.loc["DeepSeek V4 Flash", "vision_known"]
    assert not caps.loc["Kimi K2.5", "vision"] and not caps.loc["Kimi K2.5", "vision_known"]
    assert caps.loc["GPT-4o", "context_window_tokens"] == 128_000
    assert math.isnan(caps.loc["GLM-5", "context_window_tokens"])


def test_a_request_longer_than_the_context_window_goes_to_the_next_model(caps):
    w = Workload.from_mix({"code": 1.0}, {"code": (150_000, 1_000)}, 1_000)
    ev = evaluate(w, caps)
    a = ev.assignments.set_index("policy")
    # the article's router: V4 Flash and its GPT-4o fallback both have 128K: nothing serves it
    assert pd.isna(a.loc[ARTICLE_ROUTER, "model"])
    assert "exceeds the 128K context window" in a.loc[ARTICLE_ROUTER, "reason"]
    # a model with an unknown window is not checked; the threshold policy falls through to one
    assert caps.loc[a.loc[THRESHOLD_POLICY, "model"], "context_window_tokens"] != 128_000


def test_unknown_prices_are_never_zero(caps):
    s = evaluate(example_workload(), caps).summary.set_index("policy")
    for model in ("Qwen3.5-397B", "Qwen3-Coder-30B", "DeepSeek Coder"):
        assert math.isnan(s.loc[model, "monthly_cost_usd"]) and math.isnan(s.loc[model, "served_cost_usd"])
        assert "input price unknown" in s.loc[model, "unserved"]


# --------------------------------------------------------------------------- the shipped policies


def test_example_workload_costs_by_hand(caps):
    s = evaluate(example_workload(), caps, budget_usd=2000).summary.set_index("policy")
    # GPT-4o: $2.50 in, $10 out per million; requests x (in x 2.5 + out x 10) / 1e6, summed over tasks
    by_hand = sum(n * (i * 2.5 + o * 10) / 1e6 for n, i, o in
                  [(300_000, 2000, 600), (150_000, 1500, 500), (150_000, 1000, 400), (50_000, 1200, 200),
                   (350_000, 800, 300)])
    assert s.loc["GPT-4o", "monthly_cost_usd"] == pytest.approx(by_hand) == pytest.approx(7587.5)
    # the router as data/router.csv has it: every text task type (code, reasoning, chinese by its best-value
    # rule, general) on V4 Flash ($0.18 / $0.25), vision on GPT-4o
    router = sum(n * (i * 0.18 + o * 0.25) / 1e6 for n, i, o in [(300_000, 2000, 600), (150_000, 1500, 500),
                                                                (150_000, 1000, 400), (350_000, 800, 300)])
    router += 50_000 * (1200 * 2.5 + 200 * 10) / 1e6
    assert s.loc[ARTICLE_ROUTER, "monthly_cost_usd"] == pytest.approx(router) == pytest.approx(580.9)
    assert s.loc[ARTICLE_ROUTER, "savings_pct"] == pytest.approx(100 * (7587.5 - 580.9) / 7587.5)
    assert s.loc["GPT-4o", "savings_usd"] == 0
    # single models without vision cannot serve the workload: no comparable bill, no saving
    assert not s.loc["DeepSeek V4 Flash", "serves_all"] and math.isnan(s.loc["DeepSeek V4 Flash", "savings_usd"])
    assert s.loc["DeepSeek V4 Flash", "served_share"] == pytest.approx(0.95)


def test_quality_leaves_vision_out_and_flags_it(caps):
    ev = evaluate(example_workload(), caps)
    s = ev.summary.set_index("policy")
    # GPT-4o: (0.30 x 92.5 + 0.15 x 88.7 + 0.15 x 88.5 + 0.35 x 88.7) / 0.95
    assert s.loc["GPT-4o", "expected_quality"] == pytest.approx((0.3 * 92.5 + 0.15 * 88.7 + 0.15 * 88.5
                                                                 + 0.35 * 88.7) / 0.95)
    assert any("Vision has no benchmark in the data" in n for n in ev.notes)
    assert "no score in the data for Claude 3.5 Sonnet on ceval (chinese)" in s.loc["Claude 3.5 Sonnet", "quality_note"]


def test_threshold_policy_is_the_cheapest_model_meeting_each_threshold(caps):
    thresholds = {"code": 91, "reasoning": 87, "chinese": 89, "general": 85}
    ev = evaluate(example_workload(), caps, thresholds=thresholds)
    table = ev.table
    got = traffic_evaluate.routing_table(ev, THRESHOLD_POLICY).set_index("task_type")
    for task, threshold in thresholds.items():
        ok = table[(table.task_type == task) & table.eligible & (table.score >= threshold)]
        assert got.loc[task, "model"] == ok.sort_values("usd_per_request").model.iloc[0]
        assert got.loc[task, "score"] >= threshold
    assert got.loc["vision", "model"] == "GPT-4o"
    assert any("vision: no benchmark in the data" in n for n in ev.policy(THRESHOLD_POLICY).notes)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
       st.lists(st.tuples(st.integers(0, 50_000), st.integers(0, 20_000)), min_size=4, max_size=4),
       st.floats(1.0, 1e8))
def test_article_router_on_text_costs_exactly_its_first_choices_alone(caps, raw_shares, tokens, volume):
    # router.csv: every text task type to DeepSeek V4 Flash (chinese by its best-value rule, which picks it too)
    total = sum(raw_shares)
    if total == 0:
        raw_shares, total = [1, 0, 0, 0], 1
    shares = {t: s / total for t, s in zip(traffic_workload.TEXT_TASKS, raw_shares)}
    w = Workload.from_mix(shares, dict(zip(traffic_workload.TEXT_TASKS, tokens)), volume)
    ev = evaluate(w, caps)
    a = ev.assignments.set_index(["policy", "task_type"]).monthly_cost_usd
    first = dict.fromkeys(traffic_workload.TEXT_TASKS, "DeepSeek V4 Flash")
    by_hand = sum(a[(first[t], t)] for t in traffic_workload.TEXT_TASKS)
    s = ev.summary.set_index("policy")
    assert s.loc[ARTICLE_ROUTER, "monthly_cost_usd"] == pytest.approx(by_hand, rel=1e-12, abs=1e-12)
    assert s.loc[ARTICLE_ROUTER, "serves_all"]


# --------------------------------------------------------------------------- the optimiser


def synthetic_caps(prices, scores, vision):
    """A capabilities frame for ``len(prices)`` models (a..), with scores for each benchmark."""
    names = [chr(ord("a") + i) for i in range(len(prices))]
    frame = pd.DataFrame({
        "provider": "x", "origin": ["US", "CN"] * (len(names) // 2) + ["US"] * (len(names) % 2),
        "input_usd_per_mtok": [p[0] for p in prices], "output_usd_per_mtok": [p[1] for p in prices],
        "vision_known": True, "vision": vision, "context_window_tokens": np.nan,
        "mmlu": [s[0] for s in scores], "humaneval": [s[1] for s in scores], "ceval": [s[2] for s in scores],
    }, index=pd.Index(names, name="model"))
    return frame


score = st.one_of(st.none(), st.integers(700, 990).map(lambda x: x / 10))
model_st = st.tuples(st.tuples(st.integers(1, 2000).map(lambda x: x / 100), st.integers(1, 2000).map(lambda x: x / 100)),
                     st.tuples(score, score, score), st.booleans())


@settings(max_examples=60, deadline=None)
@given(st.lists(model_st, min_size=2, max_size=5),
       st.lists(st.sampled_from(traffic_workload.TASK_TYPES), min_size=1, max_size=4, unique=True),
       st.data())
def test_optimiser_equals_brute_force_within_budget(models, tasks, data):
    caps = synthetic_caps([m[0] for m in models], [[np.nan if v is None else v for v in m[1]] for m in models],
                          [m[2] for m in models])
    weights = data.draw(st.lists(st.integers(1, 20), min_size=len(tasks), max_size=len(tasks)))
    shares = {t: w / sum(weights) for t, w in zip(tasks, weights)}
    tokens = {t: data.draw(st.tuples(st.integers(0, 5000), st.integers(1, 2000))) for t in tasks}
    w = Workload.from_mix(shares, tokens, 1e5)
    table = task_model_table(w, caps)
    # every assignment, for the budget range
    per_task = []
    for t in tasks:
        rows = table[(table.task_type == t) & table.eligible]
        if traffic_workload.TASK_BENCHMARK[t] is not None:
            rows = rows[rows.score.notna()]
        per_task.append(rows.monthly_cost_usd.tolist())
    lo = sum(min(c) for c in per_task) if all(per_task) else math.inf
    hi = sum(max(c) for c in per_task) if all(per_task) else math.inf
    budget = data.draw(st.floats(0.5 * lo, 1.2 * hi)) if math.isfinite(lo) else 100.0
    policy = optimise_policy(table, w, budget)
    best = brute_force_optimum(table, w, budget) if all(per_task) else None
    if best is None:
        assert policy.routes == {} and policy.details["status"] == "infeasible"
        return
    assert policy.details["status"] == "optimal"
    assert policy.details["objective_quality"] == pytest.approx(best[0], abs=1e-9)
    assert policy.details["monthly_cost_usd"] == pytest.approx(best[1], rel=1e-9, abs=1e-9)
    # never over budget, recomputed from the routes
    chosen = table.set_index(["task_type", "model"]).monthly_cost_usd
    spent = sum(chosen[(t, m[0])] for t, m in policy.routes.items())
    assert spent <= budget
    # no vision task on a model without vision
    if "vision" in policy.routes:
        assert caps.loc[policy.routes["vision"][0], "vision"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(traffic_workload.TASK_TYPES), st.integers(1, 10), min_size=1),
       st.floats(1.0, 20_000.0))
def test_no_policy_ever_sends_vision_to_a_model_without_vision(caps, weights, budget):
    shares = {t: w / sum(weights.values()) for t, w in weights.items()}
    w = Workload.from_mix(shares, {t: (1000, 300) for t in shares}, 1e5)
    ev = evaluate(w, caps, budget_usd=budget)
    vision = ev.assignments[(ev.assignments.task_type == "vision") & ev.assignments.model.notna()]
    assert all(caps.loc[m, "vision"] for m in vision.model)
    opt = ev.summary.set_index("policy").loc[OPTIMISED_POLICY]
    assert not opt.serves_all or opt.monthly_cost_usd <= budget


def test_infeasible_budget_says_what_the_cheapest_assignment_costs(caps):
    ev = evaluate(example_workload(), caps, budget_usd=10)
    p = ev.policy(OPTIMISED_POLICY)
    assert p.routes == {} and p.details["status"] == "infeasible"
    assert p.notes[0].startswith("infeasible: the cheapest assignment costs $")
    assert not ev.summary.set_index("policy").loc[OPTIMISED_POLICY, "serves_all"]


def test_the_budget_trades_quality_for_cost(caps):
    w = example_workload()
    qualities = [evaluate(w, caps, budget_usd=b).summary.set_index("policy").loc[OPTIMISED_POLICY,
                                                                                 "expected_quality"]
                 for b in (600, 1000, 2000, 5000, 20_000)]
    assert qualities == sorted(qualities) and qualities[0] < qualities[-1]
    # with no budget limit, the best published score on each task's benchmark
    best = (0.3 * 93.0 + 0.15 * 89.0 + 0.15 * 91.0 + 0.35 * 89.0) / 0.95
    assert qualities[-1] == pytest.approx(best)


def test_baseline_must_be_a_policy(caps):
    with pytest.raises(ValueError, match="baseline 'GPT-5' is not a policy; choose one of: GPT-4o"):
        evaluate(example_workload(), caps, baseline="GPT-5")


def test_frontier_of_policies(caps):
    f = traffic_evaluate.policy_frontier(evaluate(example_workload(), caps, budget_usd=2000).summary).set_index("policy")
    assert set(f.index[f.on_frontier.astype(bool)]) == {"GPT-4o", ARTICLE_ROUTER, THRESHOLD_POLICY, OPTIMISED_POLICY}
    assert f.loc["Kimi K2.5", "excluded_reason"].startswith("does not serve: vision")


def test_volume_sweep_is_linear_for_fixed_policies(caps):
    s = traffic_evaluate.volume_sweep(example_workload(), caps, [1e4, 1e5, 1e6], budget_usd=2000)
    router = s[s.policy == ARTICLE_ROUTER].monthly_cost_usd.to_numpy()
    assert router == pytest.approx([5.809, 58.09, 580.9])
    opt = s[s.policy == OPTIMISED_POLICY]
    assert (opt.monthly_cost_usd.dropna() <= 2000).all()


# --------------------------------------------------------------------------- figures


def test_policy_cost_bars(caps):
    summary = evaluate(example_workload(), caps, budget_usd=2000).summary
    fig = figures_traffic.policy_cost_bars(summary)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_xscale() == "log" and "monthly bill, USD" in ax.get_xlabel()
    assert len(labels) == 11  # the three models whose input price is unknown serve nothing: not drawn at 0
    assert labels[0] == ARTICLE_ROUTER  # cheapest that serves every request first
    widths = {lab: p.get_width() for lab, p in zip(labels, ax.patches)}
    assert widths["GPT-4o"] == pytest.approx(7587.5)
    hatched = [lab for lab, p in zip(labels, ax.patches) if p.get_hatch()]
    assert "DeepSeek V4 Flash" in hatched and "GPT-4o" not in hatched
    plt.close(fig)


def test_frontier_and_grid_and_volume_figures(caps):
    ev = evaluate(example_workload(), caps, budget_usd=2000)
    fig = figures_traffic.policy_frontier_plot(traffic_evaluate.policy_frontier(ev.summary))
    ax = fig.axes[0]
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == 4 and max(offsets[:, 0]) == pytest.approx(7587.5)
    grid = figures_traffic.routing_grid(ev.assignments, highlight=OPTIMISED_POLICY)
    texts = " ".join(t.get_text() for t in grid.axes[0].texts)
    assert "GLM-5\n91 on ceval" in texts and "GPT-4o\nno benchmark" in texts
    sweep = traffic_evaluate.volume_sweep(ev.workload, caps, [1e4, 1e6], budget_usd=2000)
    vol = figures_traffic.savings_by_volume(sweep, "GPT-4o", 2000)
    assert len(vol.axes[0].lines) == 4 + 1  # 4 policies that serve everything, and the budget line
    ys = vol.axes[0].lines[0].get_ydata()
    assert list(ys) == pytest.approx([75.875, 7587.5])
    plt.close("all")


def test_figures_are_pure_functions_of_their_inputs(caps):
    """Same inputs, same figure: what widgets need to redraw them."""
    ev = evaluate(example_workload(), caps, budget_usd=2000)
    a = figures_traffic.policy_cost_bars(ev.summary)
    b = figures_traffic.policy_cost_bars(ev.summary)
    assert [p.get_width() for p in a.axes[0].patches] == [p.get_width() for p in b.axes[0].patches]
    plt.close("all")


def test_brute_force_helper_enumerates_every_assignment():
    caps = synthetic_caps([(1, 1), (2, 2)], [[80, 80, 80], [90, 90, 90]], [False, True])
    w = Workload.from_mix({"code": 0.5, "vision": 0.5}, {"code": (1e6, 0), "vision": (1e6, 0)}, 1)
    table = task_model_table(w, caps)
    # half a request each: code on a costs $0.50, on b $1; vision only on b (a has no vision), $1
    assert brute_force_optimum(table, w, 10) == (90.0, 2.0)
    assert brute_force_optimum(table, w, 1.6) == (80.0, 1.5)
    assert brute_force_optimum(table, w, 1.2) is None


@pytest.fixture(scope="module")
def demo_log(tmp_path_factory):
    from analysis.traffic.demo_log import generate_usage_log
    from analysis.traffic.reprice import reprice_log

    path = generate_usage_log(tmp_path_factory.mktemp("log") / "demo.csv", rows=400, seed=5,
                              bad_rows={"unknown model": 2})
    return path, reprice_log(path, capabilities(), traffic_policies.EXAMPLE_THRESHOLDS, 2000.0, "GPT-4o")


def test_notebook_06_findings_on_the_example(caps, demo_log):
    _, log = demo_log
    ev = evaluate(example_workload(), caps, budget_usd=2000)
    f = pages_routing.findings(ev.workload, ev.summary, log, baseline="GPT-4o", budget_usd=2000.0,
                         thresholds=traffic_policies.EXAMPLE_THRESHOLDS, generated=True)
    texts = dict(zip([k for _, k in f], [t for t, _ in f]))
    assert f[0] == ("Workload: example workload (assumption), 1,000,000 requests a month (code 30%, reasoning 15%, "
                    "chinese 15%, vision 5%, general 35%); quality thresholds code:91, reasoning:87, chinese:89, "
                    "general:85; budget $2,000 a month.", "assumption")
    # GPT-4o alone $7,587.50; the router $580.90, (7,587.50 - 580.90) / 7,587.50 = 92% less
    assert f[1][0].startswith("The article's router (DeepSeek V4 Flash, GPT-4o, as its router table routes each task "
                              "type) costs $580.90 a month against $7,587.50 for GPT-4o: 92% less")
    assert f[2] == ("Cheapest policy that serves every request: article router at $580.90 a month.", "computed")
    assert f[3][0].startswith("Best expected quality within $2,000 a month: 89.2 points for $1,465.65")
    assert f[4][0].startswith("Of 11 models alone, 1 serves the whole workload (GPT-4o); 4 cannot (")
    assert "; 6 are unknown (data gap): " in f[4][0]  # no vision entry in the data is not "cannot serve" (issue 11)
    assert texts["as published"].startswith("Vision has no benchmark in the data")
    assert texts["simulated"].startswith("Generated demo log (simulated): 400 rows, 398 priced, 2 set aside; ")


def test_notebook_06_findings_when_the_budget_is_too_small_and_the_log_is_yours(caps, demo_log):
    _, log = demo_log
    ev = evaluate(example_workload(), caps, budget_usd=10, baseline=ARTICLE_ROUTER)
    f = pages_routing.findings(ev.workload, ev.summary, log, baseline=ARTICLE_ROUTER, budget_usd=10.0,
                         thresholds={}, generated=False)
    texts = [t for t, _ in f]
    assert not any(t.startswith("The article's router") for t in texts)  # the baseline is the router itself
    assert ("No assignment fits the $10.00 budget: infeasible: the cheapest assignment costs $580.90 a month, above "
            "the budget $10.00.") in texts
    assert f[-1][1] == "computed" and f[-1][0].startswith("Usage log: 400 rows")


def test_notebook_06_results(caps, demo_log):
    path, log = demo_log
    ev = evaluate(example_workload(), caps, budget_usd=2000)
    r = pages_routing.results(ev.workload, ev.summary, traffic_evaluate.policy_frontier(ev.summary), ev.policy("router"),
                        traffic_evaluate.routing_table(ev, ARTICLE_ROUTER), ev.summary, log, baseline="GPT-4o",
                        budget_usd=2000.0, thresholds=traffic_policies.EXAMPLE_THRESHOLDS, log_file=str(path), demo=None)
    assert r["monthly_cost_usd"][ARTICLE_ROUTER] == pytest.approx(580.9)
    assert r["policies"]["GPT-4o"]["savings_usd"] == 0 and r["chosen_policy"] == ARTICLE_ROUTER
    assert r["unscored_task_types"] == {"vision": "no benchmark in the data: quality unknown, not guessed"}
    u = r["usage_log"]
    assert (u["file"], u["generated"], u["generator"]) == (str(path), False, None)
    assert (u["rows_total"], u["rows_priced"], u["set_aside_by_kind"]) == (400, 398, {"unknown model": 2})


def test_sweep_volumes_and_daily_scenarios():
    v = traffic_evaluate.sweep_volumes(3e5)
    assert len(v) == 10 and 3e5 in v and v[0] == pytest.approx(3e3) and v[-1] == pytest.approx(3e7)
    assert traffic_evaluate.sweep_volumes(0).tolist() == np.logspace(3, 7, 9).tolist()
    daily = pd.DataFrame({"scenario": ["GLM-5", OPTIMISED_POLICY, "as logged", ARTICLE_ROUTER]})
    assert pages_routing.daily_scenarios(daily, ARTICLE_ROUTER) == ["as logged", ARTICLE_ROUTER, OPTIMISED_POLICY]


def test_tables_for_people(caps, demo_log):
    ev = evaluate(example_workload(), caps, budget_usd=2000)
    summary = pages_routing.styled_summary(ev.summary).to_html()
    assert "saving vs GPT-4o, a month" in summary and ">$7,006.60<" in summary and ">92.3%<" in summary
    table = pages_routing.styled_routing_table(traffic_evaluate.routing_table(ev, ARTICLE_ROUTER)).to_html()
    assert ">$0.00051<" in table and ">C-Eval<" in table and "usd_per_request" not in table
    totals = pages_routing.styled_usage_totals(demo_log[1].table(), "GPT-4o").to_html()
    assert "saving vs GPT-4o" in totals and "savings_vs" not in totals and ">nan<" not in totals
    assert ">2,000<" in pages_routing.styled_workload(example_workload()).to_html()
