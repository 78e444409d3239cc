"""The as-of line and staleness warning every page shows (analysis.freshness)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import paths
from analysis.data.freshness import data_freshness
from analysis.pages.common import freshness_html, show_data_as_of
from analysis.report.publish import Publisher

TODAY = dt.date(2026, 11, 27)


def test_fresh_data_says_its_date_and_age():
    info = data_freshness("2026-11-20", 90, today=TODAY)
    assert info == {
        "as_of": "2026-11-20", "checked_on": "2026-11-27", "stale_after_days": 90, "age_days": 7,
        "stale": False, "text": "Data as of 2026-11-20: 7 days old on 2026-11-27 (this page warns after 90 days).",
    }


def test_old_data_warns_and_says_what_to_do():
    info = data_freshness("2026-05-01", 90, today=TODAY)
    assert info["stale"] and info["age_days"] == 210
    assert "older than 90 days" in info["text"] and "pricepoint import-prices" in info["text"]
    assert "Stale data warning" in freshness_html(info)


def test_threshold_is_a_parameter():
    assert not data_freshness("2026-05-01", 365, today=TODAY)["stale"]
    assert data_freshness("2026-11-26", 0, today=TODAY)["stale"]


@pytest.mark.parametrize("as_of", [None, "", "not a date"])
def test_unknown_date_is_a_warning_never_fresh(as_of):
    info = data_freshness(as_of, today=TODAY)
    assert info["stale"] and info["age_days"] is None and info["as_of"] is None
    assert "unknown" in info["text"]


def test_future_date_is_flagged():
    info = data_freshness("2027-01-01", today=TODAY)
    assert info["stale"] and info["age_days"] == -35 and "future" in info["text"]


@pytest.mark.parametrize("bad", [-1, "90", True, None])
def test_bad_threshold_says_what_to_pass(bad):
    with pytest.raises(ValueError, match="stale_after_days must be a whole number.*pass for example"):
        data_freshness("2026-11-27", bad, today=TODAY)


@given(age=st.integers(0, 5000), limit=st.integers(0, 5000))
def test_stale_exactly_when_older_than_threshold(age, limit):
    as_of = TODAY - dt.timedelta(days=age)
    info = data_freshness(as_of, limit, today=TODAY)
    assert info["age_days"] == age
    assert info["stale"] is (age > limit)


def test_html_escapes_and_has_no_script():
    info = data_freshness("2026-11-27", today=TODAY)
    info["text"] = "<script>x</script>"
    out = freshness_html(info)
    assert "<script" not in out and "&lt;script&gt;" in out


def test_show_records_in_results_and_parameters(tmp_path, capsys):
    from analysis.data.load import load_pricing

    pub = Publisher("00-demo", tmp_path)
    pub.use_tables(pricing=load_pricing())
    assert show_data_as_of(pub, 30, today=TODAY) is None
    assert pub.parameters["stale_after_days"] == 30
    assert pub.results["data_freshness"]["as_of"] == "2026-11-27"
    assert pub.results["data_freshness"]["stale"] is False


def test_user_file_without_sidecar_warns(tmp_path, write_csv, capsys):
    from analysis.data.load import load_pricing

    path = write_csv("mine.csv", "model,provider,origin,input_usd_per_mtok,output_usd_per_mtok\nX,Acme,US,1,2\n")
    pub = Publisher("00-demo", tmp_path)
    pub.use_tables(pricing=load_pricing(path))
    show_data_as_of(pub, today=TODAY)
    assert pub.results["data_freshness"]["stale"] is True
    assert "WARNING: Data as-of date unknown" in capsys.readouterr().out


def _undated_litellm_catalog(folder):
    """A LiteLLM catalog imported without --as-of, as `pricepoint import-prices --from litellm FILE` writes it."""
    from analysis.data.catalogs.litellm import load_entries
    from analysis.data.catalogs.pricing import write_catalog

    entries = {"gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                          "output_cost_per_token": 1e-05}}
    out, _, _ = write_catalog(load_entries(entries, name="model_prices.json"), folder / "litellm-prices.csv")
    return out


def test_an_undated_catalog_makes_every_page_undated(tmp_path, capsys):
    """Pages 02-07 read the article's dated tables beside the catalog: the date is unknown, never theirs."""
    from analysis.data.load import load_access, load_pricing

    pub = Publisher("02-landscape", tmp_path)
    pub.use_tables(pricing=load_pricing(_undated_litellm_catalog(tmp_path)), access=load_access())  # access: dated
    assert pub.as_of is None and list(pub.undated) == ["pricing"]
    show_data_as_of(pub, today=TODAY)
    info = pub.results["data_freshness"]
    assert info["stale"] is True and info["as_of"] is None and info["age_days"] is None
    out = capsys.readouterr().out
    assert ("WARNING: Data as-of date unknown: litellm-prices.csv (the litellm catalog) carries no date. Import it "
            "with pricepoint import-prices --from litellm FILE -o litellm-prices.csv --as-of YYYY-MM-DD --force") in out
    assert "add an as_of" not in out.lower() and "Data as of 2026-11-27" not in out
    assert str(tmp_path) not in info["text"]  # the file by its name, never this machine's path


def test_a_catalog_imported_into_the_cache_says_to_import_it_with_a_name(tmp_path, monkeypatch):
    from analysis.data.freshness import how_to_date

    monkeypatch.setenv("PRICEPOINT_CACHE", str(tmp_path))
    cached = tmp_path / "catalogs" / "litellm-0123456789ab-x.csv"  # what -p catalog model_prices.json reads
    meta = {"source": {"catalog": "litellm", "file": "/home/me/model_prices_and_context_window.json"}, "as_of": None}
    assert how_to_date(meta, cached) == (
        "The litellm catalog model_prices_and_context_window.json carries no date. Import it with pricepoint "
        "import-prices --from litellm model_prices_and_context_window.json -o my-prices.csv --as-of YYYY-MM-DD "
        "--force (the day its prices were current), then pass -p catalog my-prices.csv.")


def test_dataset_as_of_is_unknown_when_one_table_is_undated(tmp_path, write_csv):
    from analysis.data.load import load_dataset

    assert load_dataset().as_of() == "2026-11-27"
    mine = write_csv("mine.csv", (paths.DATA / "pricing.csv").read_text())  # the same prices, no sidecar
    ds = load_dataset(pricing=mine)
    assert ds.as_of() is None
    assert ds.undated() == {"pricing": "mine.csv has no mine.meta.yml sidecar. Write one beside it with an as_of: "
                                       "YYYY-MM-DD line."}
    pub = Publisher("07-decision-brief", tmp_path, dataset=ds)
    assert pub.as_of is None and pub.undated == ds.undated()
