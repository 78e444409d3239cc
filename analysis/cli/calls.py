"""pricepoint emulator and pricepoint calls."""

from __future__ import annotations

import argparse
import asyncio

import pandas as pd

from analysis.calls.emulator import Emulator
from analysis.calls.faults import FAULT_KINDS, parse_fault
from analysis.calls.policy import RetryPolicy, Timeouts
from analysis.calls.profiles import profile_table, profiles_from_data
from analysis.calls.session import run_session
from analysis.calls.stats import error_counts, percentile_table, percentiles_dict, requests_by_model
from analysis.formatting import format_number as fmt


def calls_cli(args) -> int:
    """``pricepoint calls``: time calls (or only check the model ids) and print a summary."""
    from analysis.calls import gateway as calls_gateway
    from analysis.data import gateway as data_gateway
    from analysis.data.load import load_benchmarks, load_model_facts, load_pricing
    from analysis.traffic import router as traffic_router

    pricing = load_pricing(args.pricing)
    facts = load_model_facts(args.model_facts, pricing=pricing)
    ids = data_gateway.load_gateway_models(args.gateway_models, pricing=pricing)
    router = traffic_router.load_router(args.router, pricing=pricing, benchmarks=load_benchmarks(pricing=pricing))
    prompts = calls_gateway.select_prompts(data_gateway.load_prompts(args.prompts_csv), args.prompts)
    models = calls_gateway.parse_names(args.models)
    session = run_session(
        models=models, prompts=prompts, gateway_models=ids, pricing=pricing, model_facts=facts,
        router=router if args.route and not args.check_only else None,
        requests_per_model=0 if args.check_only else args.requests, concurrency=args.concurrency,
        timeouts=Timeouts(idle_s=args.idle_timeout, total_s=args.total_timeout),
        retry=RetryPolicy(max_retries=args.max_retries, deadline_s=args.deadline), mode=args.mode,
        base_url=args.base_url, time_scale=args.time_scale, seed=args.seed, fault_rate=args.fault_rate,
        log_path=args.log, resume=not args.no_resume)
    print(f"{session.label} · {session.base_url}")
    print(session.check.message())
    if args.check_only:
        return 0 if session.check.ok else 1
    requests = session.timed_requests
    if not len(requests):
        print("No request was made.")
        return 1
    pct = percentiles_dict(percentile_table(requests, n_boot=500))
    print(f"  {'model':20s} {'ok':>7s} {'p50 TTFT':>9s} {'p99 TTFT':>9s} {'tok/s p50':>9s} {'cost/req':>10s}")
    for row in requests_by_model(requests).itertuples(index=False):
        t, s = pct[row.model]["ttft_s"], pct[row.model]["tok_per_s"]
        cost = requests.loc[requests.model == row.model, "cost_usd"].median()
        print(f"  {row.model:20s} {row.ok:>3d}/{row.requests:<3d} {fmt(t['p50'], ' s'):>9s} {fmt(t['p99'], ' s'):>9s} "
              f"{fmt(s['p50']):>9s} {'n/a' if pd.isna(cost) else f'${cost:.6f}':>10s}")
    errors = error_counts(session.attempts)
    for e in errors.itertuples(index=False):
        print(f"  {e.error_class}: {e.attempts} attempt(s), {e.requests_failed} request(s) failed")
    for r in session.router_table().itertuples(index=False):
        why = f" (not earlier: {r.why_not_earlier})" if r.why_not_earlier else ""
        print(f"  routed {r.prompt_id} ({r.task_type}): {r.route} -> {r.answered_by}{why}")
    if session.log_path:
        print(f"Every attempt is in {session.log_path}" + (f" ({session.resumed_requests} request(s) resumed "
                                                          f"from it)" if session.resumed_requests else ""))
    return 0


def serve_cli(args) -> int:
    """``pricepoint emulator``: serve until Ctrl-C; the first line printed carries the URL."""
    import sys

    from analysis.data.gateway import load_gateway_models
    from analysis.data.load import load_model_facts, load_pricing

    pricing = load_pricing()
    profiles = profiles_from_data(load_gateway_models(args.gateway_models, pricing=pricing),
                                  load_model_facts(args.model_facts, pricing=pricing))
    faults = [parse_fault(spec) for spec in args.fault]
    emu = Emulator(profiles, seed=args.seed, time_scale=args.time_scale, faults=faults, fault_rate=args.fault_rate,
                   port=args.port)

    async def main():
        try:
            await emu.start_server()
        except OSError as exc:
            raise ValueError(f"cannot listen on 127.0.0.1:{args.port} ({exc.strerror}); choose another --port "
                             f"(0 picks a free one)") from None
        print(f"pricepoint emulator: SIMULATED gateway (not the real models) at {emu.base_url}", flush=True)
        table = profile_table(profiles)
        print(f"  {'model':20s} {'gateway id':20s} {'tok/s':>6s} {'p99 TTFT':>9s}  source")
        for r in table.itertuples(index=False):
            src = "published" if r.tok_source == r.ttft_source == "published" else \
                f"tok/s {r.tok_source}, TTFT {r.ttft_source}"
            print(f"  {r.model:20s} {r.gateway_id:20s} {r.tok_per_s:6.0f} {r.ttft_p99_s:8.2f}s  {src}")
        print(f"  time scale {args.time_scale:g}, seed {args.seed}"
              + (f", faults: {', '.join(args.fault)}" if args.fault else "")
              + (f", random faults for {args.fault_rate:.0%} of requests" if args.fault_rate else ""))
        print(f"Use it: OpenAI(base_url=\"{emu.base_url}\", api_key=\"anything\"); its request log is "
              f"GET {emu.base_url.removesuffix('/v1')}/_emulator/requests. Press Ctrl-C to stop.", flush=True)
        sys.stdout.flush()
        await emu.serve_forever()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("pricepoint emulator: stopped.")
    return 0


# --------------------------------------------------------------------------- gateway: emulator and calls


def _add_emulator(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    p.add_argument("--seed", type=int, default=0, help="seed: the same seed gives the same TTFTs, replies and faults")
    p.add_argument("--time-scale", type=float, default=1.0,
                   help="multiply every delay by this (1 = the published speeds, 0.1 = ten times faster)")
    p.add_argument("--fault", action="append", metavar="KIND[:key=value...]", default=[],
                   help="inject a fault, e.g. rate_limit:times=2:retry_after_s=1 or drop:model=gpt-4o "
                        f"(repeatable; kinds: {', '.join(FAULT_KINDS)}; endpoint=models for the model list)")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of requests given a random fault (0-1)")
    p.add_argument("--gateway-models", metavar="CSV", default=None, help="model -> gateway id table "
                   "(default: data/gateway_models.csv)")
    p.add_argument("--model-facts", metavar="CSV", default=None, help="published speeds (default: data/model_facts.csv)")


def cmd_emulator(args: argparse.Namespace) -> int:

    return serve_cli(args)


def _add_calls(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=["auto", "live", "emulated"], default="auto",
                   help="auto (default): live when GLOBAL_API_KEY is set, else the local emulator")
    p.add_argument("--base-url", default="", help="gateway URL (default: GLOBAL_API_BASE_URL or https://global-apis.com/v1)")
    p.add_argument("--models", default="DeepSeek V4 Flash, GPT-4o", help="comma-separated model names")
    p.add_argument("--prompts", default="all", help="comma-separated prompt ids of data/prompts.csv, or all")
    p.add_argument("--requests", type=int, default=8, help="requests per model (default 8)")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    p.add_argument("--idle-timeout", type=float, default=30.0, help="seconds of silence allowed between chunks")
    p.add_argument("--total-timeout", type=float, default=120.0, help="seconds one attempt may take")
    p.add_argument("--deadline", type=float, default=180.0, help="seconds one request may take with its retries")
    p.add_argument("--max-retries", type=int, default=4, help="retries of 429 and 5xx (default 4)")
    p.add_argument("--time-scale", type=float, default=0.1, help="emulated mode: emulator speed factor")
    p.add_argument("--fault-rate", type=float, default=0.0, help="emulated mode: share of attempts given a random fault")
    p.add_argument("--seed", type=int, default=0, help="emulated mode: the emulator's seed")
    p.add_argument("--log", metavar="FILE.jsonl", default=None, help="append every attempt to this JSONL log; "
                   "an interrupted run given the same log resumes where it stopped")
    p.add_argument("--no-resume", action="store_true", help="make every request again even if the log has it")
    p.add_argument("--check-only", action="store_true", help="only validate the tables and list the gateway's "
                   "/v1/models against data/gateway_models.csv")
    p.add_argument("--route", action="store_true", help="also send every prompt through the router table and "
                   "print which model answered")
    p.add_argument("--gateway-models", metavar="CSV", default=None, help="default: data/gateway_models.csv")
    p.add_argument("--router", metavar="CSV", default=None, help="default: data/router.csv")
    p.add_argument("--prompts-csv", metavar="CSV", default=None, help="default: data/prompts.csv")
    p.add_argument("--pricing", metavar="CSV", default=None, help="default: data/pricing.csv")
    p.add_argument("--model-facts", metavar="CSV", default=None, help="default: data/model_facts.csv")


def cmd_calls(args: argparse.Namespace) -> int:

    return calls_cli(args)
