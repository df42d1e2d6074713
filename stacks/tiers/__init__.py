"""The platform composition, one module per tier, each with typed inputs and outputs."""
