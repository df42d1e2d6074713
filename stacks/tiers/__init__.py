"""The platform composition, tier by tier: each module builds one tier from typed inputs and returns typed outputs."""
