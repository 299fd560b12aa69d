.PHONY: _sdk_placeholder
