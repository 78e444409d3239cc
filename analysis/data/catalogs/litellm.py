"""Import prices from a catalog people already keep: LiteLLM's ``model_prices_and_context_window.json``.

``pricepoint import-prices --from litellm FILE.json -o prices.csv`` turns the catalog's chat models
into a file in the format of ``data/pricing.csv`` (USD per million tokens), with a
``prices.meta.yml`` sidecar saying where it came from and as of when. Every notebook then runs on
it: ``pricepoint report -p pricing_csv prices.csv``.

The rules, decided once:

* **Chat models only** (``"mode": "chat"``); embeddings, images, audio, and entries without a
  mode are left out and counted. The catalog's ``sample_spec`` entry is not a model.
* **Exact units.** Per-token prices are read as decimals (never floats) and multiplied by one
  million, so ``2.5e-06`` becomes ``2.5``, not ``2.4999999999999996``.
* **Unknown stays unknown.** A missing (or ``null``) price is an empty cell.
* **A price of exactly 0 is suspicious**, not trusted: a paid chat API rarely costs nothing and
  catalogs use 0 as a placeholder. It is written as an empty cell (unknown), named in the
  ``note`` column and in the command's summary. If you know a model is free, type 0 in the CSV.
* **Origin (US or CN)** is the origin of the model's family, as in the shipped table: first
  your ``--origin KEY=US|CN`` (KEY a model key or a provider), then the family named in the model
  key (``claude`` US, ``qwen`` CN, ...: :data:`FAMILY_ORIGIN`), then the provider
  (``anthropic`` US, ``deepseek`` CN, ...: :data:`PROVIDER_ORIGIN`). A model whose origin none of
  these gives (a Mistral or Cohere model, say) is left out and listed, because the loaders
  accept only US or CN; ``--origin`` brings it in. ``origin_basis`` says which rule decided.
* ``max_input_tokens`` and ``supports_vision`` are kept as ``context_window_ktok`` (thousands of
  tokens) and ``vision`` (empty when the catalog does not say).

>>> import json, tempfile, pathlib
>>> src = pathlib.Path(tempfile.mkdtemp()) / "catalog.json"
>>> _ = src.write_text(json.dumps({
...     "sample_spec": {"mode": "one of: chat, embedding", "input_cost_per_token": 0.0},
...     "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
...                "output_cost_per_token": 1e-05, "max_input_tokens": 128000, "supports_vision": True},
...     "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding",
...                                "input_cost_per_token": 2e-08}}))
>>> result = read_litellm(src)
>>> [(r["model"], r["catalog_key"], r["origin"], r["input_usd_per_mtok"], r["output_usd_per_mtok"])
...  for r in result.rows]
[('GPT-4o', 'gpt-4o', 'US', '2.5', '10')]
>>> result.not_chat
['text-embedding-3-small']
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from analysis import paths

MILLION = Decimal(1_000_000)

ORIGINS = ("US", "CN")

#: Columns written, the five of data/pricing.csv first.
COLUMNS = ("model", "provider", "origin", "input_usd_per_mtok", "output_usd_per_mtok", "price_source",
           "origin_basis", "context_window_ktok", "vision", "catalog_key", "note")

PRICE_FIELDS = {"input_cost_per_token": "input_usd_per_mtok", "output_cost_per_token": "output_usd_per_mtok"}

NOT_MODELS = {"sample_spec"}


#: LiteLLM provider -> origin of the models it publishes itself. Hosts that serve many
#: families (openrouter, bedrock, azure_ai, together_ai, fireworks_ai, groq, ...) are not
#: here: their models get an origin from the family in the model key, or from ``--origin``.
PROVIDER_ORIGIN = {
    "openai": "US", "text-completion-openai": "US", "azure": "US", "anthropic": "US", "gemini": "US",
    "vertex_ai-language-models": "US", "vertex_ai-anthropic_models": "US", "xai": "US",
    "deepseek": "CN", "dashscope": "CN", "moonshot": "CN", "volcengine": "CN", "minimax": "CN",
    "zai": "CN", "zhipuai": "CN",
}

#: Model family (matched as a word in the model key) -> origin of the family's maker.
FAMILY_ORIGIN = {
    "gpt": "US", "chatgpt": "US", "o1": "US", "o3": "US", "o4": "US", "claude": "US", "gemini": "US",
    "gemma": "US", "llama": "US", "grok": "US", "phi": "US", "nova": "US",
    "deepseek": "CN", "qwen": "CN", "qwq": "CN", "glm": "CN", "chatglm": "CN", "kimi": "CN",
    "moonshot": "CN", "minimax": "CN", "doubao": "CN", "ernie": "CN", "hunyuan": "CN", "baichuan": "CN",
}

_WORD = re.compile(r"[a-z]+[0-9]*")


class CatalogError(ValueError):
    """The catalog (or the options) cannot be imported; ``problems`` lists every reason.

    >>> print(CatalogError("c.json", ["line 3, 'x' input_cost_per_token: got 'abc'; expected a number"]))
    1 problem in c.json:
      - line 3, 'x' input_cost_per_token: got 'abc'; expected a number
    Fix the entries above in the catalog (or leave them out with --provider/--match) and run again.
    """

    def __init__(self, file: str, problems: list[str], advice: str | None = None):
        self.file, self.problems = file, list(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in {file}:"] + [f"  - {p}" for p in self.problems]
        lines.append(advice or "Fix the entries above in the catalog (or leave them out with "
                               "--provider/--match) and run again.")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- values


def per_million(per_token) -> Decimal:
    """A per-token USD price as USD per million tokens, exactly.

    >>> str(per_million(Decimal("2.5e-06"))), str(per_million(Decimal("1.5e-07"))), str(per_million(0))
    ('2.5', '0.15', '0')
    >>> float(per_million(Decimal("3e-06")))   # no 2.9999999999999996
    3.0
    """
    value = (Decimal(per_token) * MILLION).normalize()
    return value if value != 0 else Decimal(0)


def decimal_text(value: Decimal | None) -> str:
    """A decimal as plain CSV text, no exponent; ``None`` is the empty cell.

    >>> decimal_text(Decimal("1E+1")), decimal_text(Decimal("0.000250")), decimal_text(None)
    ('10', '0.00025', '')
    """
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def family_origin(model: str) -> tuple[str, str] | None:
    """The origin of the model family named in a catalog key, and that family; ``None`` if none is.

    Words of the key are matched whole (``o3``) or without their trailing digits (``qwen3``).

    >>> family_origin("openrouter/deepseek/deepseek-chat"), family_origin("bedrock/anthropic.claude-3-5-sonnet")
    (('CN', 'deepseek'), ('US', 'claude'))
    >>> family_origin("o3-mini"), family_origin("dashscope/qwen3-32b"), family_origin("mistral/mistral-large")
    (('US', 'o3'), ('CN', 'qwen'), None)
    """
    for word in _WORD.findall(model.lower()):
        for name in (word, word.rstrip("0123456789")):
            if name in FAMILY_ORIGIN:
                return FAMILY_ORIGIN[name], name
    return None


def parse_origin_options(pairs: list[str] | None) -> dict[str, str]:
    """``--origin KEY=US`` options as a mapping; a malformed one is a :class:`CatalogError`.

    >>> parse_origin_options(["mistral=CN", "gpt-4o=us"])
    {'mistral': 'CN', 'gpt-4o': 'US'}
    """
    out, problems = {}, []
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or value.strip().upper() not in ORIGINS:
            problems.append(f"--origin {pair!r}: expected KEY=US or KEY=CN (KEY a model key or a provider)")
            continue
        out[key.strip()] = value.strip().upper()
    if problems:
        raise CatalogError("the options", problems, "Fix the --origin options and run again.")
    return out


def _line_numbers(text: str, keys) -> dict[str, int]:
    """The line of each top-level key in the JSON text (for error messages)."""
    out = {}
    for key in keys:
        at = text.find(json.dumps(key) + ":")
        if at < 0:
            at = text.find(json.dumps(key))
        out[key] = text.count("\n", 0, at) + 1 if at >= 0 else None
    return out


# --------------------------------------------------------------------------- reading


@dataclass
class ImportResult:
    """What :func:`read_litellm` found: rows to write and everything left out, with reasons."""

    source: Path
    rows: list[dict[str, str]] = field(default_factory=list)
    not_chat: list[str] = field(default_factory=list)
    filtered_out: list[str] = field(default_factory=list)
    unknown_origin: list[str] = field(default_factory=list)
    zero_priced: list[str] = field(default_factory=list)  # "model (input|output)"
    no_price: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # "key -> name"

    def summary(self) -> list[str]:
        """One line per kind of outcome, for the command's output."""
        lines = [f"{len(self.rows)} chat models imported from {self.source}"]
        if self.renamed:
            lines.append(f"{len(self.renamed)} named as in pricepoint's tables (their gateway id, "
                         f"data/gateway_models.csv), so scores and facts apply: {_some(self.renamed)}")
        if self.not_chat:
            lines.append(f"{len(self.not_chat)} entries left out: not chat models (embedding, image, audio, "
                         f"or no mode)")
        if self.filtered_out:
            lines.append(f"{len(self.filtered_out)} chat models left out by --provider/--match")
        if self.unknown_origin:
            lines.append(f"{len(self.unknown_origin)} chat models left out: origin neither US nor CN by our "
                         f"maps: {_some(self.unknown_origin)}. Add --origin KEY=US|CN to include one")
        if self.zero_priced:
            lines.append(f"{len(self.zero_priced)} prices of exactly 0 treated as unknown (suspicious): "
                         f"{_some(self.zero_priced)}")
        if self.no_price:
            lines.append(f"{len(self.no_price)} models with no price at all (written with empty prices): "
                         f"{_some(self.no_price)}")
        return lines


def known_name(key: str, ids: dict[str, str]) -> str | None:
    """The name pricepoint's tables use for a catalog key, when the key is a known gateway id
    once its provider prefix and date suffix are dropped; else ``None``.

    >>> ids = {"gpt-4o": "GPT-4o", "claude-3-5-sonnet": "Claude 3.5 Sonnet"}
    >>> [known_name(k, ids) for k in ("gpt-4o", "openai/gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022",
    ...                               "gpt-4o-mini")]
    ['GPT-4o', 'GPT-4o', 'Claude 3.5 Sonnet', None]
    """
    base = key.rsplit("/", 1)[-1].lower()
    base = re.sub(r"-(\d{8}|\d{4}-\d{2}-\d{2})$", "", base)
    return ids.get(base)


def _gateway_names() -> dict[str, str]:
    """Gateway id -> model name, from the shipped data/gateway_models.csv."""
    from analysis.data.gateway import load_gateway_models

    table = load_gateway_models()
    return {i.lower(): m for m, i in zip(table.model, table.gateway_model_id)}


def _some(names: list[str], n: int = 8) -> str:
    return ", ".join(names[:n]) + (f" and {len(names) - n} more" if len(names) > n else "")


def _shown(value) -> str:
    """A catalog value as the user wrote it: ``-1.5e-06``, ``'$3'``, ``None``.

    >>> _shown(Decimal("-1.5E-6")), _shown("$3")
    ('-0.0000015', "'$3'")
    """
    return decimal_text(value) if isinstance(value, Decimal) else repr(value)


def _number(value) -> Decimal | None:
    """A JSON number as a Decimal; ``None`` when it is not one (bool, text, NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def read_litellm(path: str | os.PathLike, origins: dict[str, str] | None = None,
                 providers: list[str] | None = None, match: list[str] | None = None,
                 known_names: bool = True) -> ImportResult:
    """Read a LiteLLM catalog into pricing rows (text cells), listing every problem at once.

    ``origins`` maps a model key or a provider to US or CN (it wins over the built-in maps);
    ``providers`` keeps only those ``litellm_provider`` values; ``match`` keeps only model keys
    matching one of the shell patterns (``"*deepseek*"``). With ``known_names``, a key that is a
    known gateway id (``gpt-4o``, ``claude-3-5-sonnet-20241022``) takes the name pricepoint's tables
    use (``GPT-4o``), so that its scores and facts apply; the key stays in ``catalog_key``.
    """
    path = Path(path).expanduser()
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError(label, [f"no such file: {path}"],
                           "Pass the path of a LiteLLM model_prices_and_context_window.json file.") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(label, [f"not UTF-8 text ({exc.reason} at byte {exc.start})"],
                           "Pass the catalog JSON file itself, saved as UTF-8.") from None

    def no_constants(name):
        raise ValueError(f"{name} is not a number JSON allows")

    dupes: list[str] = []

    def pairs(items):
        keys = [k for k, _ in items]
        dupes.extend(sorted({k for k in keys if keys.count(k) > 1}))
        return dict(items)

    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=no_constants, object_pairs_hook=pairs)
    except (json.JSONDecodeError, ValueError) as exc:
        where = f"line {exc.lineno}, column {exc.colno}: " if isinstance(exc, json.JSONDecodeError) else ""
        raise CatalogError(label, [f"{where}not valid JSON ({getattr(exc, 'msg', exc)})"],
                           "Pass the catalog JSON file unchanged (a LiteLLM model_prices_and_context_window.json)."
                           ) from None
    if not isinstance(data, dict):
        raise CatalogError(label, [f"the file holds a JSON {type(data).__name__}; expected an object mapping "
                                   f"model names to their prices"],
                           "Pass a LiteLLM model_prices_and_context_window.json file.")

    origins = origins or {}
    gateway_names, taken = (_gateway_names() if known_names else {}), set()
    lines = _line_numbers(text, data)
    result = ImportResult(path)
    problems: list[str] = []
    problems += [f"line {lines.get(k) or _line_numbers(text, [k])[k]}, {k!r}: listed more than once in one "
                 f"object; expected each name once" for k in dupes]

    for model, entry in data.items():
        if model in NOT_MODELS:
            continue
        where = f"line {lines[model]}, {model!r}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: got {type(entry).__name__} {entry!r:.40}; expected an object of prices")
            continue
        if entry.get("mode") != "chat":
            result.not_chat.append(model)
            continue
        provider = entry.get("litellm_provider")
        if provider is not None and not isinstance(provider, str):
            problems.append(f"{where} litellm_provider: got {provider!r}; expected the provider's name as text")
            continue
        provider = provider or ""
        if (providers and provider not in providers) or (match and not any(fnmatch.fnmatch(model, m)
                                                                             for m in match)):
            result.filtered_out.append(model)
            continue

        row = {c: "" for c in COLUMNS}
        row.update(model=model, provider=provider or "unknown", price_source=f"litellm catalog {path.name}")
        notes = []
        bad = False
        for key, column in PRICE_FIELDS.items():
            raw = entry.get(key)
            if raw is None:
                continue
            value = _number(raw)
            if value is None or value < 0:
                problems.append(f"{where} {key}: got {_shown(raw)}; expected a price in USD per token, a number >= 0, "
                                f"or no value when unknown")
                bad = True
                continue
            if value == 0:
                side = column.split("_")[0]
                result.zero_priced.append(f"{model} ({side})")
                notes.append(f"catalog {side} price is 0 (suspicious): left unknown")
                continue
            row[column] = decimal_text(per_million(value))
        ctx = entry.get("max_input_tokens")
        if ctx is not None:
            value = _number(ctx)
            if value is None or value < 0:
                problems.append(f"{where} max_input_tokens: got {_shown(ctx)}; expected a whole number of tokens")
                bad = True
            else:
                row["context_window_ktok"] = decimal_text(value / 1000)
        vision = entry.get("supports_vision")
        if vision is not None:
            if not isinstance(vision, bool):
                problems.append(f"{where} supports_vision: got {vision!r}; expected true or false")
                bad = True
            else:
                row["vision"] = "true" if vision else "false"
        if bad:
            continue

        if model in origins:
            row["origin"], row["origin_basis"] = origins[model], "--origin (model)"
        elif provider in origins:
            row["origin"], row["origin_basis"] = origins[provider], "--origin (provider)"
        elif (fam := family_origin(model)) is not None:
            row["origin"], row["origin_basis"] = fam[0], f"model family {fam[1]}"
        elif provider in PROVIDER_ORIGIN:
            row["origin"], row["origin_basis"] = PROVIDER_ORIGIN[provider], f"provider {provider}"
        else:
            result.unknown_origin.append(model)
            continue
        if not row["input_usd_per_mtok"] and not row["output_usd_per_mtok"]:
            result.no_price.append(model)
        name = known_name(model, gateway_names)
        if name is not None and name not in taken:  # the first key for a known model takes its name
            taken.add(name)
            row["model"], row["catalog_key"] = name, model
            result.renamed.append(f"{model} -> {name}")
        row["note"] = "; ".join(notes)
        result.rows.append(row)
    if problems:
        raise CatalogError(label, problems)
    result.rows.sort(key=lambda r: r["model"])
    return result


# --------------------------------------------------------------------------- writing


def default_output(source: Path) -> Path:
    """Where the CSV goes without ``-o``: beside the catalog, named after it.

    >>> default_output(Path("/tmp/model_prices_and_context_window.json")).name
    'model_prices_and_context_window.pricing.csv'
    """
    return source.with_name(source.stem + ".pricing.csv")


def catalog_as_of(source: Path, as_of: str | None = None) -> tuple[str, str]:
    """The as-of date to record and how it was chosen (``--as-of``, else the file's modification day)."""
    if as_of:
        try:
            return dt.date.fromisoformat(as_of).isoformat(), "given with --as-of"
        except ValueError:
            raise CatalogError("the options", [f"--as-of {as_of!r}: expected a date YYYY-MM-DD"],
                               "Pass --as-of as YYYY-MM-DD (the day the catalog's prices were current).") from None
    mtime = dt.datetime.fromtimestamp(source.stat().st_mtime, dt.UTC).date()
    return mtime.isoformat(), "the catalog file's modification date (pass --as-of to state it)"


def write_pricing(result: ImportResult, out: str | os.PathLike, as_of: str | None = None,
                  force: bool = False) -> Path:
    """Write the rows as a pricing CSV and its ``.meta.yml`` sidecar, validated by ``load_pricing``.

    Refuses to write into the shipped ``data/`` folder, and to replace an existing file
    unless ``force``. Nothing is left behind when validation fails.
    """
    import yaml

    from analysis.data.load import load_pricing, sha256

    out = Path(out).expanduser()
    if out.suffix.lower() != ".csv":
        raise CatalogError("the options", [f"-o {out}: expected a file name ending in .csv"],
                           "Pass -o NAME.csv.")
    if out.resolve().parent == paths.DATA.resolve():
        raise CatalogError("the options", [f"-o {out}: that is the shipped data folder, which code never edits"],
                           "Write your prices elsewhere (-o my-prices.csv) and pass them with -p pricing_csv.")
    meta_path = out.with_name(out.stem + ".meta.yml")
    if not force and (out.exists() or meta_path.exists()):
        raise CatalogError("the options", [f"{out if out.exists() else meta_path} already exists"],
                           "Pass --force to replace it, or -o another path.")
    if not result.rows:
        raise CatalogError(str(result.source), ["no chat model could be imported"] + result.summary()[1:],
                           "Bring models in with --origin KEY=US|CN, or widen --provider/--match, and run again.")
    day, basis = catalog_as_of(result.source, as_of)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(result.rows)
    meta = {
        "table": "pricing",
        "file": out.name,
        "description": "List prices per million tokens of chat models, imported from a LiteLLM price catalog.",
        "source": {"catalog": str(result.source), "format": "litellm model_prices_and_context_window.json",
                   "sha256": sha256(result.source)},
        "as_of": day,
        "as_of_basis": basis,
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "units": {"prices": "US dollars per million tokens (USD/Mtok): the catalog's USD per token x 1,000,000, "
                            "exactly"},
        "columns": {
            "model": "the catalog's model key",
            "provider": "the catalog's litellm_provider",
            "origin": "US or CN: origin of the model's family (see origin_basis)",
            "input_usd_per_mtok": "input price; empty where the catalog gives none, or gives 0 (suspicious)",
            "output_usd_per_mtok": "output price; empty where the catalog gives none, or gives 0 (suspicious)",
            "price_source": "the catalog file",
            "origin_basis": "which rule gave the origin: --origin, the model family in the key, or the provider",
            "context_window_ktok": "max_input_tokens / 1000; empty when the catalog does not say",
            "vision": "supports_vision: true, false, or empty when the catalog does not say",
            "note": "why a price was left unknown",
        },
        "left_out": {"not_chat": len(result.not_chat), "filtered_out": len(result.filtered_out),
                     "unknown_origin": result.unknown_origin},
        "zero_priced_left_unknown": result.zero_priced,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.", suffix=".csv")
    tmp_path = Path(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buffer.getvalue())
        load_pricing(tmp_path)  # the loaders must accept what we write
        meta_path.write_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8")
        os.replace(tmp_path, out)
    finally:
        tmp_path.unlink(missing_ok=True)
    return out


def import_litellm(source: str | os.PathLike, out: str | os.PathLike | None = None, *,
                   origins: dict[str, str] | None = None, providers: list[str] | None = None,
                   match: list[str] | None = None, as_of: str | None = None,
                   force: bool = False, known_names: bool = True) -> tuple[Path, ImportResult]:
    """Read a LiteLLM catalog and write it as a pricing CSV (see the module's rules)."""
    source = Path(source).expanduser()
    result = read_litellm(source, origins=origins, providers=providers, match=match, known_names=known_names)
    target = write_pricing(result, out or default_output(source), as_of=as_of, force=force)
    return target, result
