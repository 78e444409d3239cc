"""A month of traffic: workloads, capabilities, routing policies (including the exact MILP), the article router and usage-log re-pricing."""
