"""What every piece of the kit shares: the contract (openapi.yaml) and the named formats it uses."""
