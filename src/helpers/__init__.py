"""Analysis package of the baromètre annuel des e-services des collectivités territoriales.

One module per concern; the notebooks under ``notebooks/`` only call into it.
"""

__version__ = "0.1.0"
