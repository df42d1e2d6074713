"""Azure regions the platform knows: a short code for names, and whether the region has availability zones.

Zone support: https://learn.microsoft.com/azure/reliability/availability-zones-region-support
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A region's CAF short code and whether it offers availability zones."""

    short: str
    zones: bool


REGIONS: dict[str, Region] = {
    "australiaeast": Region("aue", True),
    "brazilsouth": Region("brs", True),
    "canadacentral": Region("cac", True),
    "canadaeast": Region("cae", False),
    "centralindia": Region("inc", True),
    "centralus": Region("cus", True),
    "eastasia": Region("ea", True),
    "eastus": Region("eus", True),
    "eastus2": Region("eus2", True),
    "francecentral": Region("frc", True),
    "germanywestcentral": Region("gwc", True),
    "italynorth": Region("itn", True),
    "japaneast": Region("jpe", True),
    "japanwest": Region("jpw", True),
    "koreacentral": Region("krc", True),
    "northcentralus": Region("ncus", False),
    "northeurope": Region("neu", True),
    "norwayeast": Region("noe", True),
    "polandcentral": Region("plc", True),
    "southafricanorth": Region("san", True),
    "southcentralus": Region("scus", True),
    "southeastasia": Region("sea", True),
    "spaincentral": Region("spc", True),
    "swedencentral": Region("sdc", True),
    "switzerlandnorth": Region("szn", True),
    "uaenorth": Region("uan", True),
    "uksouth": Region("uks", True),
    "ukwest": Region("ukw", False),
    "westcentralus": Region("wcus", False),
    "westeurope": Region("weu", True),
    "westus": Region("wus", False),
    "westus2": Region("wus2", True),
    "westus3": Region("wus3", True),
}
