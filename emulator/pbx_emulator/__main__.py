from pbx_emulator.cli import main

raise SystemExit(main())
