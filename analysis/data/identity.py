"""Model identity: canonical model ids, makers and their country (origin), aliases, the first-party rule.

A *canonical model* is named by ``canonical_model_id(api_id)``: the API id without provider/region path,
cloud prefixes (``us.anthropic.``), version/date suffixes (``-2024-08-06``, ``-20241022``, ``@001``, ``-v2:0``,
``-latest``), lowercased with ``.``/``_``/spaces turned into ``-``. Names the rule cannot derive come from the
shipped ``data/aliases.csv``. The maker comes from ``data/model_families.csv`` (longest prefix wins), the
origin from ``data/makers.csv`` (the maker's country: US, CN, EU, other; unknown when no family matches).

An endpoint is *first-party* when its provider is one of the maker's own (``makers.first_party_providers``);
a model's default price is its first-party endpoint's, and a reseller never takes a model's name.

>>> canonical_model_id('azure/eu/gpt-4o-2024-08-06'), canonical_model_id('Claude 3.5 Sonnet')
('gpt-4o', 'claude-3-5-sonnet')
>>> ident = load_identity()
>>> origin_of('mistral-large-2411', ident), is_first_party('azure_ai', 'mistral-large', ident)
('EU', False)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

from analysis import paths
from analysis.data.tables import ORIGINS

_REGION_PREFIX = re.compile(r"^(?:us|eu|apac|global|regional|jp|au|ca|in|us-gov|apne1|use1)\.")
_CLOUD_MAKER_PREFIX = re.compile(
    r"^(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|qwen|openai|moonshot|moonshotai|minimax|writer|"
    r"google|zai|xai|twelvelabs|nvidia|stability|luma)\."
)
_BEDROCK_VERSION = re.compile(r"-v?\d+:\d+$")
_HOST_PREFIX = re.compile(r"^(?:databricks-(?!dbrx)|anthropic-(?=claude)|cohere-(?=command))")  # a host's own ids
_BARE_VERSION_MAKERS = {"deepseek.": "deepseek-"}  # Bedrock's deepseek.v3.2, deepseek.r1: the maker is the name
_DATE_SUFFIX = re.compile(r"-(?:20\d{2}-\d{2}-\d{2}|20\d{2}\d{2}\d{2})$")
_CLAUDE_ZERO = re.compile(r"^(claude-(?:opus|sonnet|haiku)-\d+)-0$")


def canonical_model_id(api_id: str) -> str:
    """Canonical id of a model from any API id or display name (rule only; see ``resolve`` for aliases).

    >>> [canonical_model_id(k) for k in ['gpt-4o-2024-08-06', 'deepseek/deepseek-v4-flash',
    ...     'us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'vertex_ai/claude-3-5-sonnet-v2@20241022',
    ...     'Qwen3-32B', 'kimi-k2.5', 'claude-opus-4-0', 'openrouter/qwen/qwen3-32b:free']]
    ['gpt-4o', 'deepseek-v4-flash', 'claude-3-5-sonnet', 'claude-3-5-sonnet', 'qwen3-32b', 'kimi-k2-5', \
'claude-opus-4', 'qwen3-32b']
    >>> [canonical_model_id(k) for k in ['bedrock/us-east-1/deepseek.v3.2', 'us.deepseek.r1-v1:0',
    ...     'vertex_ai/deepseek-ai/deepseek-v3.2-maas', 'us-gov.xai.grok-4.6', 'openai.gpt-oss-120b-1:0',
    ...     'aws/regional.anthropic.claude-3-5-sonnet-20240620-v1:0', 'databricks/databricks-glm-5-3']]
    ['deepseek-v3-2', 'deepseek-r1', 'deepseek-v3-2', 'grok-4-6', 'gpt-oss-120b', 'claude-3-5-sonnet', 'glm-5-3']
    """
    s = api_id.strip().lower().rsplit("/", 1)[-1]
    s = _REGION_PREFIX.sub("", s)
    for prefix, name in _BARE_VERSION_MAKERS.items():
        if re.match(re.escape(prefix) + r"[a-z]?\d", s):
            s = name + s[len(prefix):]
    s = _CLOUD_MAKER_PREFIX.sub("", s)
    s = _HOST_PREFIX.sub("", s)
    if "@" in s:  # Vertex: claude-3-5-sonnet-v2@20241022
        s = re.sub(r"-v\d+$", "", s.split("@", 1)[0])
    s = _BEDROCK_VERSION.sub("", s)
    s = s.split(":", 1)[0]
    s = re.sub(r"[\s._]+", "-", s)
    s = _DATE_SUFFIX.sub("", s)
    s = re.sub(r"-v\d+$", "", s) if re.search(r"-\d{8}-v\d+$", s) else s
    s = _DATE_SUFFIX.sub("", s)
    s = re.sub(r"-(?:latest|maas)$", "", s)  # Vertex's Model-as-a-Service ids end in -maas
    s = _CLAUDE_ZERO.sub(r"\1", s)
    return s


@dataclass(frozen=True)
class Identity:
    """The shipped identity tables: ``makers``, ``families`` (model_families.csv) and ``aliases``."""

    makers: pd.DataFrame
    families: pd.DataFrame
    aliases: pd.DataFrame


def _read_csv(name: str, expected: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(paths.data_file(name), dtype=str, keep_default_na=False)
    problems = [f"data/{name}: column {c!r} missing, expected columns {expected}" for c in expected if c not in frame]
    if problems:
        raise ValueError("\n".join(problems))
    return frame


@functools.cache
def load_identity() -> Identity:
    """Read and check the shipped tables; raises once listing every problem (file, line, column, value).

    >>> sorted(load_identity().makers['country'].unique())
    ['CN', 'EU', 'US', 'other']
    """
    makers = _read_csv("makers.csv", ["maker_id", "maker_name", "country", "first_party_providers"])
    families = _read_csv("model_families.csv", ["family_prefix", "maker_id", "open_weights"])
    aliases = _read_csv("aliases.csv", ["alias", "canonical_model_id", "display_name", "source"])
    problems = []
    for i, row in makers.iterrows():
        if row["country"] not in ORIGINS[:4]:
            problems.append(
                f"data/makers.csv line {i + 2}: column country: value {row['country']!r}, "
                f"expected one of {list(ORIGINS[:4])}"
            )
    known = set(makers["maker_id"])
    for i, row in families.iterrows():
        if row["maker_id"] not in known:
            problems.append(
                f"data/model_families.csv line {i + 2}: column maker_id: value {row['maker_id']!r}, "
                "expected a maker_id of makers.csv"
            )
        if row["open_weights"] not in ("yes", "no", "unknown"):
            problems.append(
                f"data/model_families.csv line {i + 2}: column open_weights: value "
                f"{row['open_weights']!r}, expected yes, no or unknown"
            )
    if problems:
        raise ValueError("\n".join(problems))
    families = families.assign(_len=families["family_prefix"].str.len()).sort_values("_len", ascending=False)
    return Identity(makers.set_index("maker_id", drop=False), families.drop(columns="_len"), aliases)


def resolve(name: str, ident: Identity) -> str:
    """Canonical model id of an API id or display name, using the shipped aliases first.

    >>> resolve('Qwen3-Coder-30B', load_identity()), resolve('fireworks_ai/qwen3-coder-30b-a3b-instruct',
    ...     load_identity())
    ('qwen3-coder-30b', 'qwen3-coder-30b')
    """
    table = _alias_map(ident)
    for key in (name.strip().lower(), name.strip().lower().rsplit("/", 1)[-1]):
        if key in table:
            return table[key]
    cid = canonical_model_id(name)
    return table.get(cid, cid)


def _alias_map(ident: Identity) -> dict[str, str]:
    cache = getattr(ident, "_alias_cache", None)
    if cache is None:
        cache = {}
        for a, c in zip(ident.aliases["alias"], ident.aliases["canonical_model_id"], strict=True):
            cache[a.strip().lower()] = c
            cache[canonical_model_id(a)] = c
        object.__setattr__(ident, "_alias_cache", cache)
    return cache


def maker_of(canonical_id: str, ident: Identity) -> str | None:
    """Maker id of a canonical model by longest family prefix; None when no family matches.

    >>> maker_of('mimo-v2-flash', load_identity()), maker_of('longcat-flash-chat', load_identity())
    ('xiaomi', 'meituan')
    """
    family = _family_of(canonical_id, ident)
    return None if family is None else family[1]


def _family_of(canonical_id: str, ident: Identity) -> tuple[str, str, str] | None:
    """(prefix, maker_id, open_weights) of the longest matching family, from plain tuples kept on ``ident``
    (iterating the pandas columns for every id made a whole catalog's import slow)."""
    families = getattr(ident, "_family_rows", None)
    if families is None:
        f = ident.families
        families = tuple(zip(f["family_prefix"].tolist(), f["maker_id"].tolist(), f["open_weights"].tolist(),
                             strict=True))
        object.__setattr__(ident, "_family_rows", families)
    for row in families:
        if canonical_id.startswith(row[0]):
            return row
    return None


def origin_of(name: str, ident: Identity) -> str:
    """Origin (maker's country: US, CN, EU, other, unknown) of a model named by API id or display name.

    >>> origin_of('azure_ai/mistral-large-2411', load_identity()), origin_of('some-new-model', load_identity())
    ('EU', 'unknown')
    """
    maker = maker_of(resolve(name, ident), ident)
    return "unknown" if maker is None else str(ident.makers.loc[maker, "country"])


def open_weights_of(name: str, ident: Identity) -> str:
    """'yes', 'no' or 'unknown' for the model's family.

    >>> open_weights_of('gpt-oss-120b', load_identity()), open_weights_of('gpt-4o', load_identity())
    ('yes', 'no')
    """
    family = _family_of(resolve(name, ident), ident)
    return "unknown" if family is None else family[2]


def is_first_party(provider: str, name: str, ident: Identity) -> bool | None:
    """True when ``provider`` is the model maker's own API, False for clouds/resellers, None if the maker is unknown.

    >>> ident = load_identity()
    >>> is_first_party('openai', 'gpt-4o', ident), is_first_party('azure', 'gpt-4o', ident)
    (True, False)
    >>> is_first_party('vertex_ai-anthropic_models', 'claude-3-5-sonnet', ident), is_first_party('x', 'zzz', ident)
    (False, None)
    """
    maker = maker_of(resolve(name, ident), ident)
    if maker is None:
        return None
    return provider.lower() in ident.makers.loc[maker, "first_party_providers"].split("|")


def annotate(endpoints: pd.DataFrame, ident: Identity) -> pd.DataFrame:
    """Add maker_id, origin, open_weights, display_name and first_party to an endpoints table (vectorized by id).

    ``first_party`` already known in the table (not NA) is kept; the rest comes from the maker's
    first-party providers.

    >>> from analysis.data.tariff_tables import endpoints_frame
    >>> ep = endpoints_frame([dict(endpoint_key='azure_ai/mistral-large', provider='azure_ai',
    ...     api_model_id='mistral-large-2411', canonical_model_id='mistral-large')])
    >>> annotate(ep, load_identity())[['maker_id', 'origin', 'first_party']].values.tolist()
    [['mistral', 'EU', False]]
    """
    ids = pd.Series(endpoints["canonical_model_id"].unique())
    makers = {cid: maker_of(cid, ident) for cid in ids}
    out = endpoints.copy()
    out["maker_id"] = out["canonical_model_id"].map(makers).astype(object)
    country = ident.makers["country"].to_dict()
    out["origin"] = out["maker_id"].map(lambda m: "unknown" if m is None or m != m else country[m])
    ow = {cid: open_weights_of(cid, ident) for cid in ids}
    out["open_weights"] = out["canonical_model_id"].map(ow)
    display = {
        c: d
        for c, d in zip(ident.aliases["canonical_model_id"], ident.aliases["display_name"], strict=True)
        if d
    }
    out["display_name"] = out["canonical_model_id"].map(lambda c: display.get(c, c))
    fpp = {m: set(v.split("|")) for m, v in ident.makers["first_party_providers"].items()}
    fp = [
        None if (m is None or m != m) else (p.lower() in fpp[m])
        for m, p in zip(out["maker_id"], out["provider"], strict=True)
    ]
    computed = pd.array(fp, dtype="boolean")
    if "first_party" in out:  # a source that states it (the article quotes makers' own prices) is kept
        computed = out["first_party"].astype("boolean").fillna(pd.Series(computed, index=out.index))
    out["first_party"] = computed
    return out


def default_endpoints(endpoints: pd.DataFrame, ident: Identity) -> pd.DataFrame:
    """One row per canonical model: its first-party, standard-tier, current, main-window price row.

    Models with no first-party endpoint are absent (a reseller never takes the model's name silently); list
    them with ``models_without_first_party``. Among first-party providers the maker's first listed wins, then
    the API id equal to the canonical id, then the shortest API id, then the global region.
    """
    ep = endpoints
    if "maker_id" not in ep:
        ep = annotate(ep, ident)
    cur = ep[
        ep["first_party"].fillna(False).astype(bool)
        & (ep["service_tier"] == "standard")
        & ep["effective_to"].isna()
    ].copy()
    if cur.empty:
        return cur
    bits = cur["utc_weekday_mask"].map(lambda m: bin(int(m)).count("1"))
    cur["_coverage"] = bits * (cur["utc_end_minute"] - cur["utc_start_minute"])
    order = {
        m: {p: i for i, p in enumerate(v.split("|"))}
        for m, v in ident.makers["first_party_providers"].items()
    }
    cur["_prov_rank"] = [
        order.get(m, {}).get(p, 99) for m, p in zip(cur["maker_id"], cur["provider"], strict=True)
    ]
    cur["_exact"] = (cur["api_model_id"].map(canonical_model_id) != cur["api_model_id"].str.lower()).astype(
        int
    )
    cur["_len"] = cur["api_model_id"].str.len()
    cur["_region"] = (cur["region"] != "").astype(int)
    cur["_from"] = cur["effective_from"].fillna(pd.Timestamp("1970-01-01"))
    cur = cur.sort_values(
        ["canonical_model_id", "_prov_rank", "_exact", "_len", "_region", "_coverage", "_from"],
        ascending=[True, True, True, True, True, False, False],
    )
    best = cur.drop_duplicates("canonical_model_id")
    return best.drop(columns=[c for c in best.columns if c.startswith("_")]).reset_index(drop=True)


def models_without_first_party(endpoints: pd.DataFrame) -> pd.DataFrame:
    """Canonical models that have only reseller/cloud endpoints (count of endpoints, providers)."""
    g = endpoints.groupby("canonical_model_id")
    has_fp = g["first_party"].apply(lambda s: bool((s == True).any()))  # noqa: E712
    rest = endpoints[endpoints["canonical_model_id"].isin(has_fp[~has_fp].index)]
    return rest.groupby("canonical_model_id").agg(
        endpoints=("endpoint_key", "nunique"), providers=("provider", lambda s: sorted(set(s)))
    )


# --------------------------------------------------------------------------- API ids -> model and endpoint

#: Provider spellings that name the same API in different catalogs (LiteLLM's spelling on the right).
PROVIDER_SYNONYMS = {
    "aws": "bedrock", "bedrock_converse": "bedrock", "bedrock_mantle": "bedrock", "together": "together_ai",
    "fireworks": "fireworks_ai", "x-ai": "xai", "google": "gemini", "vertex": "vertex_ai",
    "github-copilot": "github_copilot", "moonshotai": "moonshot", "cohere_chat": "cohere",
}
#: Clouds and resellers whose name starts a provider-path id (``azure/gpt-4o``); the makers' own APIs
#: (data/makers.csv) and a catalog's providers are known too.
CLOUDS_AND_RESELLERS = (
    "azure", "azure_ai", "bedrock", "vertex_ai", "openrouter", "together_ai", "fireworks_ai", "groq", "deepinfra",
    "cerebras", "novita", "hyperbolic", "sambanova", "nebius", "replicate", "ollama", "cloudflare", "baseten",
    "ovhcloud", "databricks", "snowflake", "sagemaker", "watsonx", "github_copilot", "perplexity",
    "vercel_ai_gateway", "lambda_ai", "nscale", "scaleway", "oci", "friendliai", "anyscale", "text-completion-codestral",
)
_PATH_REGION = re.compile(r"^(?:eu|us|global|apac|us-gov|[a-z]{2}-[a-z]+-\d)$")
_SNAPSHOT = re.compile(r"(20\d{2}-\d{2}-\d{2}|20\d{2}[01]\d[0-3]\d)")


def provider_key(provider: str) -> str:
    """One spelling per provider API, for comparing providers across catalogs.

    >>> provider_key("aws"), provider_key("vertex_ai-anthropic_models"), provider_key("OpenAI")
    ('bedrock', 'vertex_ai', 'openai')
    """
    p = provider.strip().lower()
    p = "vertex_ai" if p.startswith("vertex_ai-") else p
    return PROVIDER_SYNONYMS.get(p, p)


@dataclass(frozen=True)
class ApiId:
    """What an API id names: the canonical model and the endpoint (provider, region) that serves it.

    ``provider_named`` is False when the id names no provider (``gpt-4o-2024-08-06``): the maker's own
    API is meant. ``first_party`` is None when the maker is unknown. ``snapshot`` is a date in the id.
    """

    api_id: str
    canonical_model_id: str
    provider: str | None
    region: str
    first_party: bool | None
    provider_named: bool
    snapshot: str


def resolve_api_id(api_id: str, ident: Identity, providers=()) -> ApiId:
    """The canonical model AND the endpoint an API id names (``providers``: a catalog's, known too).

    >>> ident = load_identity()
    >>> r = resolve_api_id("azure/eu/gpt-4o-2024-08-06", ident)
    >>> r.canonical_model_id, r.provider, r.region, r.first_party, r.snapshot
    ('gpt-4o', 'azure', 'eu', False, '2024-08-06')
    >>> r = resolve_api_id("gpt-4o-2024-08-06", ident); r.provider, r.first_party, r.provider_named
    ('openai', True, False)
    >>> r = resolve_api_id("openrouter/deepseek/deepseek-v4-flash", ident); r.canonical_model_id, r.provider, r.first_party
    ('deepseek-v4-flash', 'openrouter', False)
    >>> r = resolve_api_id("anthropic.claude-3-5-sonnet-20240620-v1:0", ident); r.provider, r.first_party
    ('bedrock', False)
    """
    known = {provider_key(p) for p in (*CLOUDS_AND_RESELLERS, *PROVIDER_SYNONYMS, *providers)}
    for v in ident.makers["first_party_providers"]:
        known |= {provider_key(p) for p in v.split("|")}
    parts = [p for p in api_id.strip().split("/") if p]
    provider, region, named = None, "", True
    if len(parts) > 1 and provider_key(parts[0]) in known:
        provider, parts = parts[0], parts[1:]
        if len(parts) > 1 and _PATH_REGION.match(parts[0].lower()):
            region = parts[0].lower()
    last = parts[-1].lower() if parts else ""
    m = _REGION_PREFIX.match(last)
    bare = _REGION_PREFIX.sub("", last)
    region = region or (m.group(0)[:-1] if m else "")
    if provider is None and (_CLOUD_MAKER_PREFIX.match(bare) or any(bare.startswith(p) for p in _BARE_VERSION_MAKERS)):
        provider = "bedrock"  # Bedrock's ids are maker.model (anthropic.claude-..., us.deepseek.r1-v1:0)
    canonical = resolve(api_id, ident)
    maker = maker_of(canonical, ident)
    if provider is None and maker is not None:
        provider, named = ident.makers.loc[maker, "first_party_providers"].split("|")[0], False
    first_party = None
    if maker is not None and provider is not None:
        own = {provider_key(p) for p in ident.makers.loc[maker, "first_party_providers"].split("|")}
        first_party = provider_key(provider) in own
    snap = _SNAPSHOT.search(last)
    date = ""
    if snap:
        d = snap.group(1).replace("-", "")
        date = f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return ApiId(api_id, canonical, provider, region, first_party, named, date)


def match_endpoint(ref: ApiId, endpoints: pd.DataFrame) -> str | None:
    """The endpoint key of a catalog's tariff table that an API id names, or None (never another provider's).

    The catalog's own key wins (``gpt-4o-2024-05-13`` is its own endpoint, at its own price); else the
    named provider's current standard endpoint of the canonical model: same region first, then the
    API id itself, then a dated id's snapshot, then the undated id (the shortest).
    """
    ep = endpoints[(endpoints["service_tier"] == "standard") & endpoints["effective_to"].isna()]
    exact = ep[(ep["source_key"].str.lower() == ref.api_id.strip().lower())
               | (ep["endpoint_key"].str.lower() == ref.api_id.strip().lower())]
    if len(exact):
        return str(exact["endpoint_key"].iloc[0])
    if ref.provider is None:
        return None
    cand = ep[(ep["canonical_model_id"] == ref.canonical_model_id)
              & (ep["provider"].map(provider_key) == provider_key(ref.provider))].copy()
    if cand.empty:
        return None
    last = ref.api_id.strip().rsplit("/", 1)[-1].lower()
    api = cand["api_model_id"].str.lower()
    cand["_region"] = (cand["region"] != ref.region).astype(int)
    cand["_same"] = (api != last).astype(int)
    cand["_snap"] = (~api.str.replace("-", "").str.contains(ref.snapshot.replace("-", "") or "^$", regex=True)
                     ).astype(int) if ref.snapshot else 0
    cand["_len"] = api.str.len()
    best = cand.sort_values(["_region", "_same", "_snap", "_len", "endpoint_key"]).iloc[0]
    return str(best["endpoint_key"])


def endpoint_name(ref: ApiId, ident: Identity) -> str:
    """The name a page shows for an endpoint: the model's own name on its maker's API, else the
    provider is named with it (a reseller never takes the model's name silently).

    >>> ident = load_identity()
    >>> endpoint_name(resolve_api_id("gpt-4o-2024-08-06", ident), ident)
    'GPT-4o'
    >>> endpoint_name(resolve_api_id("azure/gpt-4o", ident), ident)
    'GPT-4o via azure'
    """
    display = {c: d for c, d in zip(ident.aliases["canonical_model_id"], ident.aliases["display_name"],
                                    strict=True) if d}
    name = display.get(ref.canonical_model_id, ref.canonical_model_id)
    if ref.first_party or ref.provider is None:
        return name
    return f"{name} via {ref.provider}" + (f" ({ref.region})" if ref.region else "")


__all__ = [
    "ORIGINS",
    "ApiId",
    "Identity",
    "annotate",
    "canonical_model_id",
    "default_endpoints",
    "endpoint_name",
    "is_first_party",
    "load_identity",
    "maker_of",
    "match_endpoint",
    "models_without_first_party",
    "open_weights_of",
    "origin_of",
    "provider_key",
    "resolve",
    "resolve_api_id",
]
