"""Benchmark commands that print figures; run them with `./kefu bench`."""
