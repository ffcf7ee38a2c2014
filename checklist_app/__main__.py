import multiprocessing
import sys

from checklist_app.cli.main import main

# The guard matters: demo workers are spawned processes, which import this module again.
if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
