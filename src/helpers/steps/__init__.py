"""What the step notebooks call: auxiliary variables, the wave's weighting, indicators, year-on-year."""
