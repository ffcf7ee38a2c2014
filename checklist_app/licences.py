"""The third-party components the application ships, with their licences.

A frozen build carries `third-party.json` and `THIRD_PARTY_LICENSES.txt`, written at build time by
`scripts/third_party_licenses.py` from the clean build environment (so they list exactly what was bundled). An
installed package works the list out from its own requirements. Help > About shows it; an IT department reads the
full texts in `THIRD_PARTY_LICENSES.txt` beside the program.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

SUMMARY_FILE = "third-party.json"
NOTICE_FILE = "THIRD_PARTY_LICENSES.txt"
OWN_DISTRIBUTION = "checklist-app"

# Qt for Python is LGPL-3.0: the licence lets a user replace the Qt libraries the build ships. In the one-folder
# build they are ordinary shared libraries, so replacing them needs no relinking.
QT_REPLACEMENT_NOTE = (
    "Qt and Qt for Python (PySide6, Shiboken6) are used under the GNU LGPL v3. In the one-folder build they are "
    "separate shared libraries in the _internal/PySide6 and _internal/shiboken6 folders beside the program; you "
    "may replace them with your own build of the same PySide6 version (same major and minor version) and the "
    "application will use it. The source of Qt for Python is available from the Qt Project."
)

# Tools that build the installer but are not shipped in it.
_BUILD_ONLY = {
    "pip",
    "setuptools",
    "wheel",
    "pyinstaller",
    "pyinstaller-hooks-contrib",
    "altgraph",
    "packaging",
    "macholib",
    "pefile",
    "pywin32-ctypes",
    OWN_DISTRIBUTION,
}


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


# Files shipped inside the package that no distribution describes: the reports' fallback font.
FONTS = Component("DejaVu Sans fonts (reports)", "2.37", "Bitstream Vera Fonts licence")
FONTS_LICENCE = ("resources", "fonts", "DejaVu-LICENSE.txt")


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return ", ".join(dict.fromkeys(classifiers))
    text = (meta.get("License") or "").strip()
    if text and len(text) <= 60 and "\n" not in text:
        return text
    return "see THIRD_PARTY_LICENSES.txt"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_distributions() -> list[metadata.Distribution]:
    """Our requirements and theirs, without extras (the PostgreSQL driver is added: force-wide installs use it)."""
    wanted = [OWN_DISTRIBUTION, "psycopg", "psycopg-binary"]
    seen: dict[str, metadata.Distribution] = {}
    while wanted:
        name = _normal(wanted.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
            if match:
                wanted.append(match.group(0))
    return [d for n, d in sorted(seen.items()) if n not in _BUILD_ONLY]


def installed_components(all_installed: bool = False) -> list[Component]:
    """What this environment would ship: every distribution installed (for a clean build environment) or
    the ones our requirements reach (for a developer's environment)."""
    dists = list(metadata.distributions()) if all_installed else _runtime_distributions()
    found = {
        _normal(d.metadata["Name"]): Component(d.metadata["Name"], d.version, _licence_of(d))
        for d in dists
        if d.metadata["Name"] and _normal(d.metadata["Name"]) not in _BUILD_ONLY
    }
    return [*(found[k] for k in sorted(found)), FONTS]


def bundle_dir() -> Path | None:
    """The folder of a frozen build's shipped files, or None when running from an installed package."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else None


def components() -> list[Component]:
    bundled = bundle_dir()
    if bundled is not None and (bundled / SUMMARY_FILE).exists():
        rows = json.loads((bundled / SUMMARY_FILE).read_text(encoding="utf-8"))
        return [Component(r["name"], r["version"], r["licence"]) for r in rows]
    return installed_components()


def _licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for file in dist.files or []:
        name = file.name.upper()
        if name.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")) or "/licenses/" in str(file):
            try:
                texts.append((str(file), Path(str(file.locate())).read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return texts


def _fonts_licence() -> list[tuple[str, str]]:
    from checklist_app.paths import resource

    return [("/".join(FONTS_LICENCE), resource(*FONTS_LICENCE[1:]).read_text(encoding="utf-8"))]


def write_notices(target_dir: Path) -> list[Component]:
    """Write `third-party.json` and `THIRD_PARTY_LICENSES.txt` for every distribution in this environment."""
    target_dir.mkdir(parents=True, exist_ok=True)
    comps = installed_components(all_installed=True)
    (target_dir / SUMMARY_FILE).write_text(json.dumps([c.__dict__ for c in comps], indent=1) + "\n", encoding="utf-8")
    by_name = {_normal(d.metadata["Name"]): d for d in metadata.distributions() if d.metadata["Name"]}
    parts = [
        "Third-party components shipped with the CSE SOP checklist application\n",
        "=" * 72 + "\n\n",
        QT_REPLACEMENT_NOTE + "\n\n",
    ]
    for comp in comps:
        parts.append(f"{comp.name} {comp.version}: {comp.licence}\n")
    for comp in comps:
        parts.append("\n" + "=" * 72 + f"\n{comp.name} {comp.version} ({comp.licence})\n" + "=" * 72 + "\n")
        texts = _fonts_licence() if comp is FONTS else _licence_texts(by_name[_normal(comp.name)])
        if not texts:
            parts.append("(no licence file in the distribution; licence as stated above)\n")
        for path, text in texts:
            parts.append(f"--- {path}\n{text.rstrip()}\n")
    (target_dir / NOTICE_FILE).write_text("".join(parts), encoding="utf-8")
    return comps
