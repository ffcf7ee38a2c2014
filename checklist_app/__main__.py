import multiprocessing
import sys

# The guard matters: demo workers are spawned processes, which import this module again.
if __name__ == "__main__":
    multiprocessing.freeze_support()
    from checklist_app.launch import main  # pauses collection before the command line is imported

    sys.exit(main())
