.PHONY: _emulator_placeholder
