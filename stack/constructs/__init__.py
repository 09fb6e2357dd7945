"""Reusable constructs of the pipeline stack. Each takes typed keyword-only arguments and
exposes what it creates as attributes."""
