import sys

from checklist_app.cli.main import main

sys.exit(main())
