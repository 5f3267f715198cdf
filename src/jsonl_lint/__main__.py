from jsonl_lint.cli import main

raise SystemExit(main())
