"""One module per group of AWS services: each pricer turns one resource into line items."""
