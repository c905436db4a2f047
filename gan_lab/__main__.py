from gan_lab.cli import main

raise SystemExit(main())
