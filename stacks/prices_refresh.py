"""Refresh the price table (``components/prices.json``) from the Azure Retail Prices API.

``python -m azplatform.stacks.prices_refresh [--region REGION ...] [--table FILE] [--dry-run] [--sync]``

Which meters the table holds, and how the API names each one, comes from the type records
(``TypeRecord.cost``, :data:`azplatform.components.pricing.METERS`): the table is generated data. ``--sync`` brings
it in line with the records without the network: a meter a record adds gets an unpriced entry (null price, said
so in its note), a meter no record names any more is dropped, and every entry's query fields are the record's.

For each entry (one meter in one region) it asks the API for the consumption price of exactly that meter
(serviceName, productName, skuName, meterName, region), takes the row whose unit of measure matches, and writes its
unitPrice, retailPrice, armSkuName, effectiveStartDate and currency with today's date as ``takenOn`` and the query
as ``source``. ``--region`` adds (or refreshes) a region: every meter of the table is looked up there. A meter the
API does not return keeps its entry and is reported; nothing is ever guessed. The API is unauthenticated:
https://learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices

Exit status: 0 when every entry was found, 1 when some were not, 2 when the API or the table cannot be read.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from azplatform.components.pricing import METERS, Meter

API = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"
DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "components" / "prices.json"

Fetch = Callable[[str], Mapping[str, Any]]


def _quote(value: str) -> str:
    return value.replace("'", "''")


def query_url(entry: Mapping[str, Any], region: str) -> str:
    """The API query for one meter in one region (filter values are case-sensitive in this API version)."""
    clauses = [
        f"serviceName eq '{_quote(entry['serviceName'])}'",
        f"armRegionName eq '{_quote(region)}'",
        f"meterName eq '{_quote(entry['meterName'])}'",
        "priceType eq 'Consumption'",
    ]
    for key in ("productName", "skuName"):
        if entry.get(key):
            clauses.append(f"{key} eq '{_quote(entry[key])}'")
    query = urllib.parse.urlencode({"api-version": API_VERSION, "$filter": " and ".join(clauses)})
    return f"{API}?{query}"


def items(fetch: Fetch, url: str, max_pages: int = 20) -> Iterator[Mapping[str, Any]]:
    """Every item of a (paged) API answer: ``Items``, following ``NextPageLink``."""
    next_url: str | None = url
    for _ in range(max_pages):
        if not next_url:
            return
        page = fetch(next_url)
        found = page.get("Items")
        if not isinstance(found, list):
            raise ValueError(f"not a Retail Prices API answer (no Items list): {sorted(page)[:6]}")
        yield from (item for item in found if isinstance(item, Mapping))
        next_url = page.get("NextPageLink") or None


def select(entry: Mapping[str, Any], candidates: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The row that is this entry's price: same meter, product, SKU and unit of measure, consumption, the base tier
    (``tierMinimumUnits`` 0), latest effective date; None when there is none or several disagree."""
    rows = [
        item
        for item in candidates
        if item.get("meterName") == entry["meterName"]
        and item.get("serviceName") == entry["serviceName"]
        and (not entry.get("productName") or item.get("productName") == entry["productName"])
        and (not entry.get("skuName") or item.get("skuName") == entry["skuName"])
        and item.get("type", "Consumption") == "Consumption"
        and float(item.get("tierMinimumUnits") or 0) == 0
        and (not entry.get("unitOfMeasure") or item.get("unitOfMeasure") == entry["unitOfMeasure"])
    ]
    if not rows:
        return None
    rows.sort(key=lambda item: str(item.get("effectiveStartDate") or ""), reverse=True)
    latest = [r for r in rows if r.get("effectiveStartDate") == rows[0].get("effectiveStartDate")]
    prices = {r.get("retailPrice") for r in latest}
    return latest[0] if len(prices) == 1 else None


def refreshed(entry: Mapping[str, Any], row: Mapping[str, Any], url: str, today: str) -> dict[str, Any]:
    """The entry with the API row's price fields."""
    return {
        **entry,
        "armSkuName": row.get("armSkuName") or entry.get("armSkuName", ""),
        "unitOfMeasure": row.get("unitOfMeasure", entry.get("unitOfMeasure")),
        "unitPrice": row.get("unitPrice", row.get("retailPrice")),
        "retailPrice": row.get("retailPrice"),
        "currencyCode": row.get("currencyCode", "USD"),
        "armRegionName": entry.get("armRegionName"),
        "effectiveStartDate": row.get("effectiveStartDate"),
        "takenOn": today,
        "source": url,
        "note": f"Azure Retail Prices API, meterId {row.get('meterId', '?')}.",
    }


NOT_YET_PRICED = (
    "No published price taken yet: run `python -m azplatform.stacks.prices_refresh` where the Retail Prices API is "
    "reachable."
)


def synced(
    table: Mapping[str, Any], meters: Mapping[str, Meter] | None = None, today: str | None = None
) -> dict[str, Any]:
    """``table`` with one entry per meter of the records (``meters``, default every record's) and region: the
    query fields from the meter, the price fields kept from the table's entry, or null for a new meter."""
    meters = METERS if meters is None else meters
    today = today or datetime.date.today().isoformat()
    regions = list(table.get("regions") or [])
    by_key = {(e.get("meter"), e.get("armRegionName")): e for e in table.get("entries", []) if isinstance(e, Mapping)}
    entries: list[dict[str, Any]] = []
    for region in regions:
        for meter in meters.values():
            unpriced: dict[str, Any] = {
                "armSkuName": "",
                "unitPrice": None,
                "retailPrice": None,
                "currencyCode": "USD",
                "effectiveStartDate": None,
                "takenOn": today,
                "source": API,
                "note": NOT_YET_PRICED,
            }
            old = by_key.get((meter.id, region))
            price = unpriced if old is None else {key: old.get(key, value) for key, value in unpriced.items()}
            entries.append(
                {
                    "meter": meter.id,
                    "serviceName": meter.service,
                    "productName": meter.product,
                    "skuName": meter.sku,
                    "armSkuName": price["armSkuName"],
                    "meterName": meter.name,
                    "unitOfMeasure": meter.unit,
                    "unitPrice": price["unitPrice"],
                    "retailPrice": price["retailPrice"],
                    "currencyCode": price["currencyCode"],
                    "armRegionName": region,
                    "effectiveStartDate": price["effectiveStartDate"],
                    "takenOn": price["takenOn"],
                    "source": price["source"],
                    "note": price["note"],
                }
            )
    return {**table, "entries": entries}


def refresh(
    table: Mapping[str, Any],
    fetch: Fetch,
    regions: Sequence[str] = (),
    today: str | None = None,
    meters: Mapping[str, Meter] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The refreshed table (first :func:`synced` with the records' ``meters``) and the entries the API did not
    answer for."""
    today = today or datetime.date.today().isoformat()
    entries = list(synced(table, meters, today).get("entries", []))
    wanted = list(dict.fromkeys([*table.get("regions", []), *regions]))
    by_key = {(e["meter"], e["armRegionName"]): e for e in entries}
    templates = {e["meter"]: e for e in entries}
    missing: list[str] = []
    out: list[dict[str, Any]] = []
    for region in wanted:
        for meter, template in templates.items():
            entry = dict(by_key.get((meter, region)) or {**template, "armRegionName": region})
            url = query_url(entry, region)
            row = select(entry, list(items(fetch, url)))
            if row is None:
                missing.append(f"{meter} in {region} ({entry['meterName']})")
                if (meter, region) not in by_key:
                    entry.update(unitPrice=None, retailPrice=None, effectiveStartDate=None, takenOn=today)
                    entry["source"], entry["note"] = url, "The Retail Prices API returned no unambiguous row."
                out.append(entry)
                continue
            out.append(refreshed(entry, row, url, today))
    return {**table, "takenOn": today, "regions": wanted, "entries": out}, missing


def _fetch(url: str) -> Mapping[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        data = json.loads(answer.read().decode("utf-8"))
    if not isinstance(data, Mapping):
        raise ValueError("the Retail Prices API answered with something other than an object")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry."""
    parser = argparse.ArgumentParser(prog="python -m azplatform.stacks.prices_refresh", description=__doc__)
    parser.add_argument("--table", type=Path, default=DEFAULT_TABLE, help="the price table to refresh")
    parser.add_argument("--region", action="append", default=[], help="also price this region (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="print the table instead of writing it")
    parser.add_argument(
        "--sync", action="store_true", help="only bring the table in line with the type records' meters (offline)"
    )
    args = parser.parse_args(argv)
    try:
        table = json.loads(args.table.read_text(encoding="utf-8"))
        if args.sync:
            updated, missing = synced(table), list[str]()
        else:
            updated, missing = refresh(table, _fetch, args.region)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(updated, indent=2) + "\n"
    if args.dry_run:
        sys.stdout.write(text)
    else:
        args.table.write_text(text, encoding="utf-8")
        print(f"{args.table}: {len(updated['entries']) - len(missing)} entries refreshed")
    for line in missing:
        print(f"not found: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
