"""decK's declarative config format: read a file, plan its sync, and write a config back out.

The data flow is parse (text → document) → flatten (nested document → flat entities with
references) → plan (match to the current config, validate, diff) → the bulk store writes the
plan as one version. ``export`` goes the other way, from stored entities to a decK document.
Nothing in this package writes to the database: ``controlplane.services.declarative`` does.
"""
