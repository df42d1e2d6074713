"""The price table refresh (stacks/prices_refresh.py), against the Retail Prices API's documented answer shape.

The sample page is the response layout Microsoft documents for the API (BillingCurrency, CustomerEntityId,
CustomerEntityType, Items, NextPageLink, Count; each item with currencyCode, tierMinimumUnits, retailPrice,
unitPrice, armRegionName, location, effectiveStartDate, meterId, meterName, productId, skuId, productName, skuName,
serviceName, serviceId, serviceFamily, unitOfMeasure, type, isPrimaryMeterRegion, armSkuName):
https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices#api-response-examples .
Prices in it are made up for the test; no network is used.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from azplatform.components.pricing import METERS, Meter
from azplatform.stacks import prices_refresh
from tests.conftest import ROOT


def _item(**overrides: Any) -> dict[str, Any]:
    item = {
        "currencyCode": "USD",
        "tierMinimumUnits": 0.0,
        "retailPrice": 1.5,
        "unitPrice": 1.5,
        "armRegionName": "westeurope",
        "location": "EU West",
        "effectiveStartDate": "2024-05-01T00:00:00Z",
        "meterId": "00000000-0000-0000-0000-000000000001",
        "meterName": "Premium Unit",
        "productId": "DZH318Z0BQ4N",
        "skuId": "DZH318Z0BQ4N/0002",
        "productName": "API Management",
        "skuName": "Premium",
        "serviceName": "API Management",
        "serviceId": "DZH31VCF1TC7",
        "serviceFamily": "Developer Tools",
        "unitOfMeasure": "1 Hour",
        "type": "Consumption",
        "isPrimaryMeterRegion": True,
        "armSkuName": "",
    }
    return item | overrides


def _page(items: list[dict[str, Any]], next_link: str | None = None) -> dict[str, Any]:
    return {
        "BillingCurrency": "USD",
        "CustomerEntityId": "Default",
        "CustomerEntityType": "Retail",
        "Items": items,
        "NextPageLink": next_link,
        "Count": len(items),
    }


PREMIUM = Meter("apim.premium.unit", "API Management", "API Management", "Premium", "Premium Unit", "1 Hour")
DEVELOPER = Meter("apim.developer.unit", "API Management", "API Management", "Developer", "Developer Unit", "1 Hour")
TWO_METERS = {m.id: m for m in (PREMIUM, DEVELOPER)}

ENTRY = {
    "meter": "apim.premium.unit",
    "serviceName": "API Management",
    "productName": "API Management",
    "skuName": "Premium",
    "meterName": "Premium Unit",
    "unitOfMeasure": "1 Hour",
    "armRegionName": "westeurope",
}


def test_the_query_filters_exactly_one_meter_in_one_region() -> None:
    url = prices_refresh.query_url(ENTRY, "westeurope")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert query["api-version"] == ["2023-01-01-preview"]
    assert query["$filter"] == [
        "serviceName eq 'API Management' and armRegionName eq 'westeurope' and meterName eq 'Premium Unit' and "
        "priceType eq 'Consumption' and productName eq 'API Management' and skuName eq 'Premium'"
    ]


def test_pages_are_followed_through_next_page_link() -> None:
    pages = {"first": _page([_item()], "second"), "second": _page([_item(meterId="b")])}
    assert [i["meterId"] for i in prices_refresh.items(pages.__getitem__, "first")] == [
        "00000000-0000-0000-0000-000000000001",
        "b",
    ]
    with pytest.raises(ValueError, match="no Items list"):
        list(prices_refresh.items(lambda url: {"error": "x"}, "first"))


def test_select_takes_the_base_tier_consumption_row_of_the_latest_date() -> None:
    rows = [
        _item(retailPrice=9.9, unitPrice=9.9, type="Reservation"),
        _item(retailPrice=0.5, unitPrice=0.5, tierMinimumUnits=100.0),
        _item(retailPrice=1.0, unitPrice=1.0, effectiveStartDate="2023-01-01T00:00:00Z"),
        _item(retailPrice=0.2, unitPrice=0.2, productName="Self Hosted Gateway"),
        _item(),
    ]
    assert prices_refresh.select(ENTRY, rows) == _item()
    assert prices_refresh.select(ENTRY, [_item(unitOfMeasure="1/Month")]) is None
    # Two current rows that disagree: nothing is picked rather than a guess.
    assert prices_refresh.select(ENTRY, [_item(), _item(retailPrice=2.0)]) is None


def test_refresh_updates_found_entries_and_reports_the_rest() -> None:
    table = {
        "regions": ["westeurope"],
        "entries": [
            ENTRY | {"unitPrice": None, "note": "none"},
            ENTRY
            | {"meter": "apim.developer.unit", "skuName": "Developer", "meterName": "Developer Unit", "unitPrice": 0.1},
        ],
    }

    def fetch(url: str) -> Mapping[str, Any]:
        return _page([_item()] if "Premium" in urllib.parse.unquote_plus(url) else [])

    updated, missing = prices_refresh.refresh(table, fetch, today="2027-01-05", meters=TWO_METERS)
    premium, developer = updated["entries"]
    assert (premium["unitPrice"], premium["takenOn"], premium["effectiveStartDate"]) == (
        1.5,
        "2027-01-05",
        "2024-05-01T00:00:00Z",
    )
    assert premium["source"].startswith(prices_refresh.API)
    assert developer["unitPrice"] == 0.1  # kept as it was, and reported
    assert missing == ["apim.developer.unit in westeurope (Developer Unit)"]


def test_refresh_adds_a_region_with_every_meter() -> None:
    table = {"regions": ["westeurope"], "entries": [ENTRY | {"unitPrice": 1.0}]}
    updated, missing = prices_refresh.refresh(
        table,
        lambda url: _page([_item(armRegionName="northeurope", retailPrice=1.7, unitPrice=1.7)]),
        ["northeurope"],
        meters={PREMIUM.id: PREMIUM},
    )
    assert updated["regions"] == ["westeurope", "northeurope"]
    assert [(e["armRegionName"], e["unitPrice"]) for e in updated["entries"]] == [
        ("westeurope", 1.7),
        ("northeurope", 1.7),
    ]
    assert missing == []


def test_the_committed_table_is_what_the_refresh_reads() -> None:
    table = json.loads((ROOT / "components" / "prices.json").read_text(encoding="utf-8"))
    assert prices_refresh.DEFAULT_TABLE == ROOT / "components" / "prices.json"
    for entry in table["entries"]:
        assert prices_refresh.query_url(entry, entry["armRegionName"]).startswith(prices_refresh.API)


def test_the_committed_table_is_in_line_with_the_type_records() -> None:
    """The table is generated: its meters and their query fields are the records' (``--sync`` rewrites it)."""
    table = json.loads((ROOT / "components" / "prices.json").read_text(encoding="utf-8"))
    assert prices_refresh.synced(table) == table, "run `python -m azplatform.stacks.prices_refresh --sync`"
    assert {e["meter"] for e in table["entries"]} == set(METERS)


def test_sync_adds_a_new_meter_unpriced_drops_a_gone_one_and_keeps_prices() -> None:
    gone = ENTRY | {"meter": "apim.gone.unit", "unitPrice": 9.0}
    kept = ENTRY | {
        "meterName": "Old Name",
        "unitPrice": 2.5,
        "retailPrice": 2.5,
        "note": "taken",
        "source": "https://x",
    }
    table = {"regions": ["westeurope"], "entries": [gone, kept]}
    entries = {e["meter"]: e for e in prices_refresh.synced(table, TWO_METERS, today="2027-01-05")["entries"]}
    assert set(entries) == {"apim.premium.unit", "apim.developer.unit"}
    premium, developer = entries["apim.premium.unit"], entries["apim.developer.unit"]
    assert (premium["meterName"], premium["unitPrice"], premium["note"]) == ("Premium Unit", 2.5, "taken")
    assert (developer["unitPrice"], developer["takenOn"], developer["skuName"]) == (None, "2027-01-05", "Developer")
    assert developer["note"].startswith("No published")


def test_sync_runs_offline_from_the_command_line(tmp_path: Path) -> None:
    table = tmp_path / "prices.json"
    table.write_text(json.dumps({"regions": ["westeurope"], "entries": []}), encoding="utf-8")
    assert prices_refresh.main(["--table", str(table), "--sync"]) == 0
    assert {e["meter"] for e in json.loads(table.read_text(encoding="utf-8"))["entries"]} == set(METERS)
