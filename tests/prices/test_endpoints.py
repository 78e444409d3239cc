"""analysis.prices.endpoints: one model's every price in a catalog, its maker's own first, resellers by name."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.data.catalogs import load_catalog
from analysis.data.tables import ParameterError
from analysis.prices.endpoints import model_endpoints


def test_a_real_catalog_lists_every_current_price_of_one_model_makers_own_first(genai_import):
    ep = genai_import.tables["endpoints"]
    t = model_endpoints(ep, "GPT-4o")
    mine = ep[(ep.canonical_model_id == "gpt-4o") & ep.effective_to.isna()]
    assert len(t) == len(mine) > 1  # every current row of that model, and no other model's
    assert t.attrs["canonical_model_id"] == "gpt-4o"
    fp = t.first_party.fillna(False).astype(bool).to_numpy()
    assert fp[0] and not (np.diff(fp.astype(int)) > 0).any()  # the maker's own rows come first, resellers after
    assert {"openai", "openrouter"} <= set(t.provider)
    assert not t[t.provider == "openrouter"].first_party.any()  # a reseller never passes for the maker
    ref = mine[(mine.provider == "openai") & (mine.service_tier == "standard") & (mine.api_model_id == "gpt-4o")]
    assert t.attrs["default_output_usd_per_mtok"] == float(ref.output_usd_per_mtok.iloc[0])
    assert np.allclose(t.output_multiple, t.output_usd_per_mtok / t.attrs["default_output_usd_per_mtok"],
                       equal_nan=True)


def test_the_articles_catalog_has_one_price_per_model():
    t = model_endpoints(load_catalog("article").tables["endpoints"], "Claude 3.5 Sonnet")
    assert len(t) == 1 and t.output_usd_per_mtok.iloc[0] == 15.0 and t.output_multiple.iloc[0] == 1.0


def test_a_model_the_catalog_does_not_price_is_a_parameter_error_naming_it():
    with pytest.raises(ParameterError, match="endpoints_model 'GPT-9': no model of that name or id"):
        model_endpoints(load_catalog("article").tables["endpoints"], "GPT-9")
