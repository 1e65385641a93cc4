"""Synthetic demo waves with a known truth, and the Monte Carlo validation of the methods over them."""
