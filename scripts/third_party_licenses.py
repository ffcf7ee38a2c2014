"""Write third-party.json and THIRD_PARTY_LICENSES.txt for everything installed in this (clean build) environment.

Run by scripts/build_installer.sh with the build environment's Python: `python scripts/third_party_licenses.py build`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checklist_app.licences import write_notices

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    comps = write_notices(target)
    print(f"licences: {len(comps)} components written to {target}")
