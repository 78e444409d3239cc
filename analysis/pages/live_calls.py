"""Notebook 05's page: its tables, results.json entries and findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.calls.session import Session
from analysis.calls.stats import percentiles_dict, requests_by_model
from analysis.formatting import escape_markdown, format_count, format_number
from analysis.pages.tables import styled_table

# --------------------------------------------------------------------------- showing results safely


def html_table(frame: pd.DataFrame, caption: str, columns: dict[str, str] | None = None,
               formats: dict | None = None) -> str:
    """:func:`~analysis.pages.tables.styled_table` as HTML text with a caption, for ``display(HTML(...))``.

    Every cell, heading and the caption is escaped: model output cannot inject markup.

    >>> out = html_table(pd.DataFrame({"reply": ["<script>alert(1)</script>"]}), "SIMULATED")
    >>> "<caption>SIMULATED</caption>" in out, "&lt;script&gt;alert(1)&lt;/script&gt;" in out, "<script" in out
    (True, True, False)

    ``columns`` maps the columns shown to their headings (others are left out); ``formats``
    maps a column to a function giving its text; an unknown number reads ``n/a``, never ``nan``.

    >>> out = html_table(pd.DataFrame({"model": ["M"], "tok_per_s": [float("nan")]}), "x",
    ...                  {"model": "model", "tok_per_s": "speed, tok/s"})
    >>> ">speed, tok/s</th>" in out, ">n/a</td>" in out, "nan" in out
    (True, True, False)
    """
    columns = columns or {c: str(c) for c in frame.columns}
    return styled_table(frame, columns, formats, caption=caption).to_html()


def percentile_display(table: pd.DataFrame, metric: str, unit: str = " s", digits: int = 3) -> pd.DataFrame:
    """One metric's percentiles as text, each with its 95 % CI; unknown figures read *n/a*.

    >>> t = pd.DataFrame([{"model": "M", "metric": "tok_per_s", "n": 0, "p50": float("nan"),
    ...                    "p50_ci_low": float("nan"), "p50_ci_high": float("nan")}])
    >>> percentile_display(t, "tok_per_s", "").to_dict(orient="records")
    [{'model': 'M', 'n': 0, 'p50': 'n/a'}]
    """
    sub = table[table.metric == metric]
    qs = [c for c in sub.columns if c.startswith("p") and c[1:].replace(".", "").isdigit()]
    rows = []
    for r in sub.to_dict(orient="records"):
        row = {"model": r["model"], "n": int(r["n"])}
        for q in qs:
            v = r[q]
            ci = (f" [{format_number(r[q + '_ci_low'], '', digits)}-{format_number(r[q + '_ci_high'], '', digits)}]"
                  if not pd.isna(v) else "")
            row[q] = format_number(v, unit, digits) + ci
        rows.append(row)
    return pd.DataFrame(rows, columns=["model", "n", *qs])


# --------------------------------------------------------------------------- what notebook 05 shows and says


def call_counts(session: Session) -> dict:
    """The one count of requests, attempts and failures every table, the header and the findings of notebook 05
    use: timed requests (N per model) and router requests (one per model a routed prompt tried), each with
    their attempts (retries included) and failures; the totals are their sums. ``router_failures`` names each
    router request that failed, and where the router went next.

    >>> from analysis.calls.stats import records_frame
    >>> from analysis.calls.gateway import ModelCheck
    >>> recs = [{"request": "M|p|0", "model": "M", "attempt": 0, "final": True, "status": "ok"},
    ...         {"request": "M|p|1", "model": "M", "attempt": 0, "final": False, "error_class": "rate_limit"},
    ...         {"request": "M|p|1", "model": "M", "attempt": 1, "final": True, "status": "error",
    ...          "error_class": "server_error"},
    ...         {"request": "route|code|p|0|M", "model": "M", "attempt": 0, "final": True, "status": "error",
    ...          "error_class": "dropped_connection", "route_task": "code"},
    ...         {"request": "route|code|p|0|N", "model": "N", "attempt": 0, "final": True, "status": "ok",
    ...          "route_task": "code"}]
    >>> s = Session("emulated", "SIMULATED", "", 1.0, records_frame(recs), ModelCheck("", [], {}, {}),
    ...             routed=[{"task_type": "code", "prompt_id": "p", "route": ["M", "N"], "answered_by": "N",
    ...                      "fallback_used": True, "tried": [{"model": "M", "outcome": "failed",
    ...                                                        "error_class": "dropped_connection"}]}])
    >>> c = call_counts(s)
    >>> {k: c[k] for k in ("requests", "timed_requests", "router_requests", "attempts", "timed_attempts",
    ...                    "router_attempts", "failed", "timed_failed", "router_failed", "error_attempts")}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'requests': 4, 'timed_requests': 2, 'router_requests': 2, 'attempts': 5, 'timed_attempts': 3,
     'router_attempts': 2, 'failed': 2, 'timed_failed': 1, 'router_failed': 1, 'error_attempts': 3}
    >>> c["router_failures"]
    [{'model': 'M', 'prompt_id': 'p', 'task_type': 'code', 'error_class': 'dropped_connection', 'answered_by': 'N'}]
    """
    requests = session.requests
    routed = requests.route_task.notna() if len(requests) else pd.Series(dtype=bool)
    timed, router = requests[~routed], requests[routed]

    def failed(frame):
        return int((frame.status != "ok").sum()) if len(frame) else 0

    attempts = session.attempts
    out = {"requests": len(requests), "timed_requests": len(timed), "router_requests": len(router),
           "router_prompts": len(session.routed),
           "attempts": len(attempts), "timed_attempts": int(timed.attempts.sum()) if len(timed) else 0,
           "router_attempts": int(router.attempts.sum()) if len(router) else 0,
           "failed": failed(requests), "timed_failed": failed(timed), "router_failed": failed(router),
           "error_attempts": int(attempts.error_class.notna().sum()) if len(attempts) else 0}
    answered = {(r["task_type"], r["prompt_id"]): r["answered_by"] for r in session.routed}
    out["router_failures"] = [
        {"model": r.model, "prompt_id": r.prompt_id if isinstance(r.prompt_id, str) else str(r.request).split("|")[2],
         "task_type": r.route_task, "error_class": r.error_class if isinstance(r.error_class, str) else r.status,
         "answered_by": answered.get((r.route_task, r.prompt_id if isinstance(r.prompt_id, str)
                                      else str(r.request).split("|")[2]))}
        for r in router[router.status != "ok"].itertuples()]
    return out


def gateway_message(session: Session) -> str:
    """The model check's message for a reader: in emulated mode the emulator's local address reads "the local
    emulator" (no hostname or port of the machine on a page)."""
    text = session.check.message()
    if session.mode == "emulated" and session.base_url:
        text = text.replace(session.base_url, "the local emulator")
    return text


def router_failures_text(counts: dict) -> str:
    """The failed router requests in words: which model, for which prompt, and who answered instead.

    >>> router_failures_text({"router_failures": [{"model": "M", "prompt_id": "code-1", "task_type": "code",
    ...                       "error_class": "dropped_connection", "answered_by": "N"}]})
    'M for code-1 (dropped_connection; the router fell back to N)'
    """
    return "; ".join(f"{f['model']} for {f['prompt_id']} ({f['error_class']}; "
                     + (f"the router fell back to {f['answered_by']})" if f["answered_by"] else "nobody answered)")
                     for f in counts["router_failures"])


def session_markdown(session: Session) -> str:
    """The run in one Markdown line: LIVE or SIMULATED, how many requests and attempts (timed and router, with
    the same counts as the tables below), the model check.

    >>> from analysis.calls.stats import records_frame
    >>> from analysis.calls.gateway import ModelCheck
    >>> s = Session("emulated", "SIMULATED (local emulator)", "http://127.0.0.1:1/v1", 0.05,
    ...             records_frame([]), ModelCheck("http://127.0.0.1:1/v1", [], {}, {}))
    >>> session_markdown(s)  # doctest: +NORMALIZE_WHITESPACE
    '**SIMULATED (local emulator)** · 0 requests: 0 timed (0 attempts) and 0 router requests for 0 routed prompts
    (0 attempts) · 0 attempts in all, 0 ended in an error · The gateway at the local emulator knows all 0 mapped model ids.'

    The emulator's address (a port on this machine) is never shown: a reader's page names it "the local emulator".
    """
    c = call_counts(session)
    return (f"**{escape_markdown(session.label)}** · {c['requests']} requests: {c['timed_requests']} timed "
            f"({c['timed_attempts']} attempts) and {c['router_requests']} router requests for {c['router_prompts']} "
            f"routed prompts ({c['router_attempts']} attempts) · {c['attempts']} attempts in all, "
            f"{c['error_attempts']} ended in an error · {escape_markdown(gateway_message(session))}")


def requests_table(requests: pd.DataFrame, router_requests: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`requests_by_model` of the timed requests, then one row for the router's requests (every model a
    routed prompt tried) and a total row: its columns add up to the header's counts (:func:`call_counts`).

    >>> from analysis.calls.stats import final_requests, records_frame
    >>> r = final_requests(records_frame([{"request": "a", "model": "M", "attempt": 0, "final": True, "status": "ok"},
    ...                                   {"request": "route|code|p|0|M", "model": "M", "attempt": 0, "final": True,
    ...                                    "status": "error", "route_task": "code"}]))
    >>> t = requests_table(r[r.route_task.isna()], r[r.route_task.notna()])
    >>> t[["model", "requests", "failed", "attempts"]].values.tolist()
    [['M', 1, 0, 1], ['router requests (all models)', 1, 1, 1], ['total', 2, 1, 2]]
    """
    table = requests_by_model(requests)
    if router_requests is not None and len(router_requests):
        row = requests_by_model(router_requests.assign(model="router requests (all models)"))
        table = pd.concat([table, row], ignore_index=True)
    if len(table) > 1:
        total = table.drop(columns="model").sum().to_dict()
        table = pd.concat([table, pd.DataFrame([{"model": "total", **total}])], ignore_index=True)
    return table


def requests_html(requests: pd.DataFrame, label: str, router_requests: pd.DataFrame | None = None) -> str:
    """:func:`requests_table` as a table for people.

    >>> from analysis.calls.stats import final_requests, records_frame
    >>> r = final_requests(records_frame([{"request": "a", "model": "M", "attempt": 0, "final": True,
    ...                                    "status": "ok"}]))
    >>> "came back incomplete" in requests_html(r, "SIMULATED")
    True
    """
    return html_table(requests_table(requests, router_requests), f"{label}: requests per model, then the router's", {
        "model": "model", "requests": "requests", "ok": "succeeded", "failed": "failed",
        "incomplete": "came back incomplete", "attempts": "attempts (with retries)"})


def percentiles_html(table: pd.DataFrame, metric: str, label: str) -> str:
    """One metric's percentiles with their 95 % intervals (:func:`percentile_display`) as a table.

    >>> t = pd.DataFrame([{"model": "M", "metric": "ttft_s", "n": 2, "p50": 1.0, "p50_ci_low": 0.9,
    ...                    "p50_ci_high": 1.1}])
    >>> out = percentiles_html(t, "ttft_s", "SIMULATED")
    >>> "<caption>SIMULATED: time to first token, s (95 % CI)</caption>" in out, ">1 s [0.9-1.1]</td>" in out
    (True, True)
    """
    unit, what = {"ttft_s": (" s", "time to first token, s"),
                  "tok_per_s": (" tok/s", "output tokens per second")}[metric]
    shown = percentile_display(table, metric, unit)
    columns = {"model": "model", "n": "requests (n)",
               **{q: f"{q} (median)" if q == "p50" else q for q in shown.columns[2:]}}
    return html_table(shown, f"{label}: {what} (95 % CI)", columns)


def comparison_html(comparison: pd.DataFrame, label: str) -> str:
    """:func:`published_comparison` as a table: the article's figures beside this run's, unknown as ``n/a``.

    >>> c = pd.DataFrame([{"model": "M", "published_tok_per_s": 50.0, "median_tok_per_s": 48.04,
    ...                    "published_ttft_p99_low_s": 1.5, "published_ttft_p99_high_s": 2.0, "p99_ttft_s": 2.3,
    ...                    "n": 15}])
    >>> import re
    >>> re.findall(r">([^<>]*)</td>", comparison_html(c, "SIMULATED"))
    ['M', '50', '48', '1.5-2', '2.3', '15']
    """
    shown = comparison.assign(published_ttft=[
        "n/a" if pd.isna(lo) and pd.isna(hi) else f"{format_number(lo)}-{format_number(hi)}"
        for lo, hi in zip(comparison.published_ttft_p99_low_s, comparison.published_ttft_p99_high_s)])
    return html_table(shown, f"{label}: this run beside the published figures", {
        "model": "model", "published_tok_per_s": "published speed, tok/s",
        "median_tok_per_s": "this run: median speed, tok/s", "published_ttft": "published p99 time to first token, s",
        "p99_ttft_s": "this run: p99 time to first token, s", "n": "requests (n)"},
        {"published_tok_per_s": format_number, "median_tok_per_s": format_number, "p99_ttft_s": format_number, "n": format_count})


def errors_table(errors: pd.DataFrame, attempts: pd.DataFrame) -> pd.DataFrame:
    """:func:`error_counts` with the failed requests split into timed and router ones, and a total row, so
    that its sums are the header's and the requests table's (:func:`call_counts`).

    >>> from analysis.calls.stats import error_counts, records_frame
    >>> a = records_frame([{"request": "x", "model": "M", "attempt": 0, "final": True, "status": "error",
    ...                     "error_class": "stream_error"},
    ...                    {"request": "route|code|p|0|M", "model": "M", "attempt": 0, "final": True,
    ...                     "status": "error", "error_class": "stream_error", "route_task": "code"}])
    >>> errors_table(error_counts(a), a)[["error_class", "attempts", "requests_failed", "timed_failed",
    ...                                   "router_failed"]].values.tolist()
    [['stream_error', 2, 2, 1, 1], ['total', 2, 2, 1, 1]]
    """
    finals = attempts[attempts.error_class.notna() & attempts.final.astype(bool)] if len(attempts) else attempts
    routed = finals.route_task.notna() if len(finals) else pd.Series(dtype=bool)
    by_class = {"timed_failed": finals[~routed].groupby("error_class").size() if len(finals) else pd.Series(dtype=int),
                "router_failed": finals[routed].groupby("error_class").size() if len(finals) else pd.Series(dtype=int)}
    table = errors.copy()
    for column, counts in by_class.items():
        table[column] = [int(counts.get(c, 0)) for c in table.error_class]
    if len(table):
        sums = table[["attempts", "requests_failed", "timed_failed", "router_failed"]].sum().astype(int).to_dict()
        table = pd.concat([table, pd.DataFrame([{"error_class": "total", **sums, "meaning": ""}])],
                          ignore_index=True)
    return table


def errors_html(errors: pd.DataFrame, label: str, attempts: pd.DataFrame | None = None) -> str:
    """:func:`errors_table` (with ``attempts``, else :func:`error_counts` alone) as a table for people.

    >>> from analysis.calls.stats import error_counts, records_frame
    >>> "requests failed" in errors_html(error_counts(records_frame([])), "SIMULATED")
    True
    """
    columns = {"error_class": "error class", "attempts": "attempts", "requests_failed": "requests failed"}
    if attempts is not None:
        errors = errors_table(errors, attempts)
        columns.update(timed_failed="of which timed requests", router_failed="of which router requests")
    return html_table(errors, f"{label}: attempts and requests by error class", {**columns, "meaning": "meaning"})


def failures_html(attempts: pd.DataFrame, label: str, n: int = 12) -> str:
    """The first ``n`` failed attempts with their messages; attempts counted from 1, as in the messages.

    >>> from analysis.calls.stats import records_frame
    >>> a = records_frame([{"request": "M|p|0", "model": "M", "attempt": 0, "final": True,
    ...                     "error_class": "rate_limit", "message": "M, request M|p|0, attempt 1: 429"}])
    >>> out = failures_html(a, "SIMULATED")
    >>> [cell in out for cell in (">M|p|0</td>", ">1</td>", ">rate_limit</td>", ">0</td>")]
    [True, True, True, False]
    """
    failures = attempts[attempts.error_class.notna()].head(n)
    return html_table(failures, f"{label}: the first failures, with their messages", {
        "model": "model", "request": "request", "attempt": "attempt", "error_class": "error class",
        "message": "message"}, {"attempt": lambda v: f"{int(v) + 1}"})


def router_html(router: pd.DataFrame) -> str:
    """The router table (rules resolved from the data) for people.

    >>> from analysis.traffic.router import load_router
    >>> "choice" in router_html(load_router())
    True
    """
    return html_table(router, "Router table (rules resolved from the data)", {
        "task_type": "task type", "rank": "choice", "model": "model", "rule": "rule", "note": "note"})


def routed_html(session: Session) -> str:
    """Who answered each routed prompt (:meth:`Session.router_table`), and why earlier models did not.

    >>> from analysis.calls.stats import records_frame
    >>> from analysis.calls.gateway import ModelCheck
    >>> s = Session("emulated", "SIMULATED", "", 1.0, records_frame([]), ModelCheck("", [], {}, {}),
    ...             routed=[{"task_type": "code", "prompt_id": "code-1", "route": ["A", "B"], "answered_by": "B",
    ...                      "fallback_used": True, "tried": [{"model": "A", "outcome": "failed",
    ...                                                        "error_class": "dropped_connection"}]}])
    >>> out = routed_html(s)
    >>> ">A &gt; B</td>" in out, ">yes</td>" in out
    (True, True)
    """
    return html_table(session.router_table(),
                      f"{session.label}: which model answered each routed prompt, and why others did not", {
                          "task_type": "task type", "prompt_id": "prompt", "route": "route, in order",
                          "answered_by": "answered by", "fallback_used": "fell back",
                          "why_not_earlier": "why not an earlier model"},
                      {"fallback_used": lambda v: "yes" if v else "no"})


def replies_html(requests: pd.DataFrame, label: str) -> str:
    """The first reply of each model, escaped: model output is shown as text, never run as HTML.

    >>> r = pd.DataFrame({"model": ["M", "M"], "prompt_id": ["a", "b"], "reply": ["<b>hi</b>", "x"]})
    >>> out = replies_html(r, "SIMULATED")
    >>> ">&lt;b&gt;hi&lt;/b&gt;</td>" in out, "<b>" in out, ">b</td>" in out
    (True, False, False)
    """
    samples = requests[requests.reply.notna()].drop_duplicates("model")
    return html_table(samples, f"{label}: sample replies (escaped)",
                      {"model": "model", "prompt_id": "prompt", "reply": "reply"})


def results(session: Session, models: list[str], router: pd.DataFrame, best: dict, percentiles: pd.DataFrame,
            errors: pd.DataFrame, comparison: pd.DataFrame) -> dict:
    """Notebook 05's results.json entries, by name (see the README for each).

    ``models``: the models asked for; ``router``: the router table; ``best``:
    :func:`analysis.gateway.best_value` on C-Eval; ``percentiles``: :func:`percentile_table`;
    ``errors``: :func:`error_counts`; ``comparison``: :func:`published_comparison`.

    >>> from analysis.calls.stats import error_counts, percentile_table, records_frame
    >>> from analysis.calls.gateway import ModelCheck
    >>> from analysis.traffic.router import load_router
    >>> s = Session("emulated", "SIMULATED", "", 0.05, records_frame([]), ModelCheck("", [], {}, {}))
    >>> r = results(s, ["GPT-4o"], load_router(), {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.0028},
    ...             percentile_table(s.timed_requests), error_counts(s.attempts), s.timed_requests)
    >>> r["mode"], r["requests"], r["router_table"]["vision"], r["log_file"]
    ('emulated', {}, ['GPT-4o'], None)
    """
    from analysis.traffic.router import routes

    timed = session.timed_requests
    by_model = requests_by_model(timed)
    counts = call_counts(session)
    out = {
        "mode": session.mode,
        "counts": {k: v for k, v in counts.items() if k != "router_failures"},
        "router_failures": counts["router_failures"],
        "label": session.label,
        "time_scale": session.time_scale,
        "models": models,
        "requests": {r["model"]: r for r in by_model.to_dict(orient="records")},
        "percentiles": percentiles_dict(percentiles),
        "error_counts": {r["error_class"]: {"attempts": r["attempts"], "requests_failed": r["requests_failed"]}
                         for r in errors.to_dict(orient="records")},
        "router_table": routes(router),
        "chinese_best_value": {"model": best["model"], "usd_per_mtok_per_point": best["usd_per_mtok_per_point"]},
        "router_choices": session.routed,
        "published_vs_run": comparison,
        "cost_per_request_usd": {m: timed.loc[timed.model == m, "cost_usd"].median() for m in by_model.model},
        "unknown_gateway_models": session.skipped_models,
        "log_file": Path(session.log_path).name if session.log_path else None,
        "resumed_requests": session.resumed_requests,
    }
    if session.profiles is not None:
        out["emulator_profiles"] = session.profiles
    return out


def findings(session: Session, percentiles: pd.DataFrame, errors: pd.DataFrame, best: dict) -> list[tuple[str, str]]:
    """Notebook 05's headline findings as ``(text, kind)``: *simulated* from the emulator, *measured* when live.

    >>> from analysis.calls.stats import error_counts, percentile_table, records_frame
    >>> from analysis.calls.gateway import ModelCheck
    >>> s = Session("emulated", "SIMULATED (local emulator)", "", 0.05, records_frame([]),
    ...             ModelCheck("", [], {}, {}))
    >>> for text, kind in findings(s, percentile_table(s.timed_requests), error_counts(s.attempts),
    ...                            {"model": "DeepSeek V4 Flash", "usd_per_mtok_per_point": 0.25 / 88}):
    ...     print(kind, "|", text)
    simulated | SIMULATED (local emulator): 0 of 0 timed requests failed or came back incomplete; 0 of 0 attempts ended in an error (retries included).
    computed | Chinese prompts route to DeepSeek V4 Flash, the lowest output price per C-Eval point ($0.0028 per million tokens per point), computed from the data.
    """
    label = session.label
    kind = "simulated" if session.mode == "emulated" else "measured"
    out = []
    for model, figures in percentiles_dict(percentiles).items():
        t, s = figures["ttft_s"], figures["tok_per_s"]
        out.append((f"{label}: {model} p50 time to first token {format_number(t['p50'], ' s')}, p99 {format_number(t['p99'], ' s')} "
                    f"(n = {t['n']}); median output speed {format_number(s['p50'], ' tok/s')}.", kind))
    c = call_counts(session)
    router = ""  # the router's requests, and the sum of both kinds, only when the router sent any
    if c["router_requests"]:
        router = f"{c['router_failed']} of {c['router_requests']} router requests failed"
        if c["router_failures"]:
            router += f" ({router_failures_text(c)})"
        router = f"{router}; {c['failed']} of {c['requests']} requests in all; "
    out.append((f"{label}: {c['timed_failed']} of {c['timed_requests']} timed requests failed or came back incomplete; "
                f"{router}{c['error_attempts']} of {c['attempts']} attempts ended in an error (retries included).",
                kind))
    out.append((f"Chinese prompts route to {best['model']}, the lowest output price per C-Eval point "
                f"(${best['usd_per_mtok_per_point']:.4f} per million tokens per point), computed from the data.",
                "computed"))
    fallbacks = [r for r in session.routed if r["fallback_used"]]
    if fallbacks:
        out.append((f"{label}: {len(fallbacks)} routed prompt{'s' if len(fallbacks) != 1 else ''} fell back past their first choice "
                    f"({', '.join(r['prompt_id'] + ' to ' + r['answered_by'] for r in fallbacks)}).", kind))
    if session.check.error:
        out.append((f"{label}: {gateway_message(session)}", kind))
    elif session.skipped_models:
        out.append((f"{label}: the gateway did not list {', '.join(session.skipped_models)}: left out of the run "
                    f"(fix their ids in the gateway model table).", kind))
    return out
