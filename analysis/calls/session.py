"""A whole run of sample calls: plan, emulator or live gateway, harness, and the router's choices."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from analysis import paths
from analysis.calls.harness import MODELS_KEY, Harness, route_key, run_sync
from analysis.calls.policy import RETRYABLE, Call, RetryPolicy, Timeouts
from analysis.calls.stats import final_requests, records_frame
from analysis.data.tables import ParameterError

# --------------------------------------------------------------------------- a whole session


@dataclass
class Session:
    """Everything one run of the live-calls notebook produced."""

    mode: str
    label: str
    base_url: str
    time_scale: float
    attempts: pd.DataFrame
    check: Any
    routed: list[dict] = field(default_factory=list)
    profiles: pd.DataFrame | None = None
    log_path: str | None = None
    skipped_models: dict[str, str] = field(default_factory=dict)
    resumed_requests: int = 0
    emulator_requests: list[dict] = field(default_factory=list)

    @property
    def requests(self) -> pd.DataFrame:
        """Every request (timed and routed), its final attempt, with the number of attempts."""
        return final_requests(self.attempts) if len(self.attempts) else self.attempts.assign(attempts=[])

    @property
    def timed_requests(self) -> pd.DataFrame:
        """The timed requests only: N per model, not the router's."""
        requests = self.requests
        return requests[requests.route_task.isna()].reset_index(drop=True)

    def router_table(self) -> pd.DataFrame:
        """One row per routed request: the route, who answered, and why earlier models did not."""
        rows = []
        for r in self.routed:
            why = "; ".join(f"{t['model']}: {t['outcome']} ({t['error_class']})" for t in r["tried"]
                            if t["outcome"] in ("failed", "skipped"))
            rows.append({"task_type": r["task_type"], "prompt_id": r["prompt_id"], "route": " > ".join(r["route"]),
                         "answered_by": r["answered_by"] or "nobody", "fallback_used": r["fallback_used"],
                         "why_not_earlier": why or ""})
        return pd.DataFrame(rows, columns=["task_type", "prompt_id", "route", "answered_by", "fallback_used",
                                           "why_not_earlier"])


async def list_models(harness: Harness) -> tuple[list[str] | None, list[dict]]:
    """The gateway's model ids (``GET /v1/models``), retried like a chat call (:data:`RETRYABLE`,
    ``retry-after-ms`` / ``Retry-After`` honoured, within the request deadline); ``None`` when it still
    fails. Also returns each failed attempt's record, its message safe to show (redacted, no markup)."""
    from analysis.calls.gateway import outside_text

    scale, retry = harness.time_scale, harness.retry
    client = harness.client
    call = Call(MODELS_KEY, "-", "-", "-", "-", "", 1)
    deadline = time.perf_counter() + retry.deadline_s * scale
    failed: list[dict] = []
    attempt = 0
    while True:
        remaining = deadline - time.perf_counter()
        try:
            async with asyncio.timeout(max(0.0, min(harness.timeouts.total_s * scale, remaining))):
                page = await client.models.list(extra_headers={"X-Pricepoint-Attempt": str(attempt)})
            return [m.id for m in page.data], failed
        except TimeoutError:
            rec = {"error_class": "header_timeout", "retry_after_s": None,
                   "message": f"{harness._context(call, attempt)}: no answer within the total timeout "
                              f"({harness.timeouts.total_s:g} s)"}
        except Exception as exc:  # noqa: BLE001 - every failure becomes a row
            rec = harness._classify(exc, call, attempt, "headers")
        rec["message"] = outside_text(rec["message"], harness._secrets())
        rec["attempt"] = attempt
        failed.append(rec)
        wait = rec.get("retry_after_s")
        wait = wait if wait is not None else retry.backoff_s(attempt, MODELS_KEY) * scale
        if rec["error_class"] not in RETRYABLE or attempt >= retry.max_retries:
            return None, failed
        if time.perf_counter() + wait >= deadline:
            rec["message"] += f"; gave up: the next attempt would start after the request deadline ({retry.deadline_s:g} s)"
            return None, failed
        await asyncio.sleep(wait)
        attempt += 1


def plan_calls(models: list[str], prompts: pd.DataFrame, gateway_ids: dict[str, str],
               requests_per_model: int) -> list[Call]:
    """``requests_per_model`` calls per model, cycling through the prompts in order.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"prompt_id": ["a", "b"], "task_type": ["code", "code"], "text": ["x", "y"],
    ...                   "max_tokens": [8, 8]})
    >>> [c.key for c in plan_calls(["M"], p, {"M": "m"}, 3)]
    ['M|a|0', 'M|b|0', 'M|a|1']
    """
    rows = list(prompts.itertuples(index=False))
    calls = []
    for model in models:
        for i in range(requests_per_model):
            p = rows[i % len(rows)]
            rep = i // len(rows)
            calls.append(Call(f"{model}|{p.prompt_id}|{rep}", model, gateway_ids[model], p.prompt_id, p.task_type,
                              p.text, int(p.max_tokens), rep))
    return calls


def run_session(*, models: list[str], prompts: pd.DataFrame, gateway_models: pd.DataFrame,
                router: pd.DataFrame | None = None, pricing: pd.DataFrame | None = None,
                model_facts: pd.DataFrame | None = None, requests_per_model: int = 8, concurrency: int = 8,
                timeouts: Timeouts = Timeouts(), retry: RetryPolicy = RetryPolicy(), mode: str = "auto",
                base_url: str = "", time_scale: float = 0.1, seed: int = 0, fault_rate: float = 0.0,
                faults: Iterable = (), router_fault: str = "", log_path: str | Path | None = None,
                resume: bool = True, emulator_options: dict | None = None) -> Session:
    """Run the whole live-calls session: check the model ids, time the calls, route the prompts.

    ``mode``: ``auto`` (live when ``GLOBAL_API_KEY`` is set, else the emulator), ``live`` or
    ``emulated``. In emulated mode a local emulator is started on 127.0.0.1 for the session and
    ``time_scale`` speeds it up; live calls always run at ``time_scale`` 1.
    """
    from analysis.calls import gateway as calls_gateway
    from analysis.calls.emulator import Emulator
    from analysis.calls.profiles import profile_table, profiles_from_data
    from analysis.traffic import router as traffic_router

    key = calls_gateway.api_key()
    mode = calls_gateway.resolve_mode(mode, key)
    ids = dict(zip(gateway_models.model, gateway_models.gateway_model_id))
    unknown_names = [m for m in models if m not in ids]
    if unknown_names:
        raise ParameterError(f"no gateway model id for {', '.join(map(repr, unknown_names))}; models must be named "
                         f"as in the gateway model table ({', '.join(ids)})")
    source = gateway_models.attrs.get("source_file", "data/gateway_models.csv")
    source = f"data/{Path(source).name}" if Path(source).parent == paths.DATA else str(source)
    emulator = None
    profiles = None
    switch = sys.getswitchinterval()
    if mode == "emulated":
        scale = float(time_scale)
        prof = profiles_from_data(gateway_models, model_facts)
        # the emulator runs in a thread of this process: hand the interpreter over between the two
        # threads every 0.5 ms instead of 5 ms, so neither waits long for the other (timings stay honest)
        sys.setswitchinterval(0.0005)
        profiles = profile_table(prof)
        emulator = Emulator(prof, seed=seed, time_scale=scale, fault_rate=fault_rate, faults=list(faults),
                            **(emulator_options or {})).start()
        url, secret = emulator.base_url, "emulator"
    else:
        scale = 1.0
        url, secret = calls_gateway.resolve_base_url(base_url), key
    label = calls_gateway.mode_label(mode, url)

    async def go():
        tag = (f"emulated seed={seed} time_scale={scale:g} fault_rate={fault_rate:g}" if mode == "emulated"
               else f"live {urlsplit(url).netloc}")
        harness = Harness(url, secret, mode=mode, time_scale=scale, timeouts=timeouts, retry=retry,
                          pricing=pricing, log_path=log_path, run_tag=tag)
        # every model this run may call: the timed ones, then the router's (in their order)
        routed_models = list(router.model) if router is not None else []
        mapping = {m: ids[m] for m in dict.fromkeys([*models, *routed_models]) if m in ids}
        try:
            available, listing = await list_models(harness)
            check = calls_gateway.compare_models(mapping, available or [], url, source)
            check.listing_attempts = len(listing) + (available is not None)
            if available is None:  # not listed: every model is tried, and fails with its own row if unknown
                check.error = listing[-1]["message"]
                check.known, check.unknown = ({} if listing[-1]["error_class"] == "auth" else dict(mapping)), {}
            usable = [m for m in models if m in check.known]
            calls = plan_calls(usable, prompts, ids, requests_per_model)
            records = await harness.run(calls, concurrency, resume=resume)
            before = harness.resumed_requests
            routed = []
            if router is not None:
                table = traffic_router.routes(router)
                known_ids = dict(check.known)
                todo = [(p, traffic_router.route_for(p.task_type, table)) for p in prompts.itertuples(index=False)]
                todo = [(p, route) for p, route in todo if route]
                if emulator is not None and router_fault and todo:
                    p, route = todo[0]
                    # every attempt of that request: the fault outlasts its retries and the router falls back
                    emulator.inject(router_fault, request=route_key(p.task_type, p.prompt_id, 0, route[0]),
                                    times=None, after_tokens=1)
                gate = asyncio.Semaphore(max(1, concurrency))

                async def one(p, route):
                    async with gate:
                        call = Call("", route[0], "", p.prompt_id, p.task_type, p.text, int(p.max_tokens))
                        return await harness.routed(call, route, known_ids)

                routed = list(await asyncio.gather(*(one(p, route) for p, route in todo)))
            return check, records, routed, before
        finally:
            await harness.aclose()

    try:
        check, records, routed, before = run_sync(go())
    finally:
        emu_log = emulator.requests if emulator is not None else []
        if emulator is not None:
            emulator.stop()
        sys.setswitchinterval(switch)
    attempts = records_frame(records + [r for x in routed for r in x["records"]])
    return Session(mode=mode, label=label, base_url=url, time_scale=scale, attempts=attempts, check=check,
                   routed=[{k: v for k, v in r.items() if k != "records"} for r in routed], profiles=profiles,
                   log_path=str(log_path) if log_path else None,
                   skipped_models={m: ids[m] for m in check.unknown},
                   resumed_requests=before, emulator_requests=emu_log)
