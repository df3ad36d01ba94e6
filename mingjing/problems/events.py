"""Audit phrases of the problems app (merged into audit.events at start-up)."""

EVENT_PHRASES = {
    "problems.moved": "将{kind}“{object}”{direction}",
}
