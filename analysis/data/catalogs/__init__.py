"""Price catalogs that can be imported into a pricing table."""
