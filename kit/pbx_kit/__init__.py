"""What every piece of the kit shares: the contract (openapi.yaml), its named formats, the overlay applier."""
