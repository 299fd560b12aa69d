from pbx_conformance.cli import main

raise SystemExit(main())
