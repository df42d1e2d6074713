"""The orders team's stack: one Container App and its API on the shared azplatform platform."""
