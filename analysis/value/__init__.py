"""Which model is worth its price: Pareto frontiers, price per point, the article's claims, break-even volumes."""
