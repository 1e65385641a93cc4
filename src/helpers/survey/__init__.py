"""Survey statistics: designs and estimation, weights, AAPOR rates, representativity, comparisons, sensitivity.

Pure functions of arrays and data frames: nothing here reads a file, a wave configuration or the codebook.
"""
