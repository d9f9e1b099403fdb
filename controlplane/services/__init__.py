"""The one path for every write: verb-named functions that commit, log and announce."""
