"""pricepoint: price, quality, latency and access of US and Chinese LLM APIs, side by side.

The package holds all the logic; the notebooks in ``notebooks/`` call it.
Start with :mod:`analysis.data` (the validated tables) and :mod:`analysis.pricing`.
"""

__version__ = "0.1.0"
