.PHONY: _conformance_placeholder
